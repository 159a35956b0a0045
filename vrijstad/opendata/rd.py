"""RD New (EPSG:28992, the Dutch national grid) to WGS84 latitude and longitude.

The closed-form approximation of F.H. Schreutelkamp and G.L. Strang van Hees, "Benaderingsformules
voor de transformatie tussen RD- en WGS84-kaartcoördinaten" (2001): a polynomial in the
distance from Amersfoort, within about a metre across the Netherlands, which is finer than a
shop's pin needs (pyproj is not a dependency of the app). Its coefficients give arc seconds.
"""

X0, Y0 = 155_000.0, 463_000.0
LAT0, LON0 = 52.15517440, 5.38720621

#: (p, q, K): latitude += K · dx^p · dy^q, with dx, dy in units of 100 km.
LATITUDE_TERMS = (
    (0, 1, 3235.65389),
    (2, 0, -32.58297),
    (0, 2, -0.24750),
    (2, 1, -0.84978),
    (0, 3, -0.06550),
    (2, 2, -0.01709),
    (1, 0, -0.00738),
    (4, 0, 0.00530),
    (2, 3, -0.00039),
    (4, 1, 0.00033),
    (1, 1, -0.00012),
)
LONGITUDE_TERMS = (
    (1, 0, 5260.52916),
    (1, 1, 105.94684),
    (1, 2, 2.45656),
    (3, 0, -0.81885),
    (1, 3, 0.05594),
    (3, 1, -0.05607),
    (0, 1, 0.01199),
    (3, 2, -0.00256),
    (1, 4, 0.00128),
    (0, 2, 0.00022),
    (2, 0, -0.00022),
    (5, 0, 0.00026),
)


def rd_to_wgs84(x: float, y: float) -> tuple[float, float]:
    """(latitude, longitude) in degrees of an RD point (x, y in metres)."""
    dx, dy = (x - X0) * 1e-5, (y - Y0) * 1e-5
    latitude = sum(k * dx**p * dy**q for p, q, k in LATITUDE_TERMS)
    longitude = sum(k * dx**p * dy**q for p, q, k in LONGITUDE_TERMS)
    return LAT0 + latitude / 3600, LON0 + longitude / 3600
