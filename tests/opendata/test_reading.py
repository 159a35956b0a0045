"""Reading the registers' files: the columns of the common exports, RD to WGS84, SBI codes to
branch groups, and every bad line named with its number and reason."""

import pytest

from tests.opendata.conftest import bag_file, bag_lines, kvk_file
from vrijstad.opendata.rd import rd_to_wgs84
from vrijstad.opendata.reading import FileError, address_key, decode, read_bag, read_kvk
from vrijstad.opendata.sbi import branch_of
from vrijstad.starters.models import BranchGroup


def everywhere(city: str, street: str) -> bool:
    return True


def hoogstraat(city: str, street: str) -> bool:
    return city.casefold() == "dijkerveen" and street.casefold() == "hoogstraat"


@pytest.mark.parametrize(
    ("x", "y", "latitude", "longitude"),
    [
        (155_000, 463_000, 52.15517440, 5.38720621),  # Amersfoort, the origin of the grid
        (233_883.131, 582_065.167, 53.21938317, 6.56820053),  # Martinitoren, Groningen
        (120_700.723, 487_525.501, 52.37453253, 4.88352559),  # Westertoren, Amsterdam
    ],
)
def test_rd_points_land_where_the_published_table_puts_them(x, y, latitude, longitude):
    found = rd_to_wgs84(x, y)
    # 1e-6 degrees is about 10 cm: the formula's published check points, to the decimetre.
    assert found == pytest.approx((latitude, longitude), abs=1e-6)


@pytest.mark.parametrize(
    ("code", "group"),
    [
        ("4711", BranchGroup.DAILY_GOODS),
        ("4724", BranchGroup.DAILY_GOODS),
        ("4771", BranchGroup.FASHION_LUXURY),
        ("47789", BranchGroup.OTHER_RETAIL),
        ("4761", BranchGroup.LEISURE_GOODS),
        ("4759", BranchGroup.HOME_GARDEN),
        ("5610", BranchGroup.LEISURE_HORECA),
        ("9001", BranchGroup.LEISURE_HORECA),
        ("9602", BranchGroup.SERVICES),
        ("1071", None),  # a bakery that bakes (manufacturing): no shop branch
    ],
)
def test_sbi_codes_fall_in_the_branch_groups(code, group):
    assert branch_of(code) == group


def test_a_bag_extract_keeps_the_shop_objects_of_the_area():
    parsed = read_bag(decode(bag_file()), hoogstraat)
    assert parsed.errors == []
    assert [r.bag_id for r in parsed.rows] == [
        "9999010000000001",
        "9999010000000002",
        "9999010000000003",
        "9999010000000197",
    ]
    assert parsed.passed_over == 3  # a dwelling, another street, another city
    second = parsed.rows[1]
    assert second.address.postcode == "7411 KA" and second.floor_area == 85
    assert second.latitude == pytest.approx(52.2453, abs=1e-3)
    assert parsed.rows[3].address.key == address_key("7411 KA", 4, "a", None) == "7411KA|4|A"


def test_nlextract_columns_with_lat_lon_are_read():
    text = (
        "openbareruimte;huisnummer;huisletter;huisnummertoevoeging;postcode;woonplaats;"
        "verblijfsobjectgebruiksdoel;oppervlakteverblijfsobject;verblijfsobjectstatus;"
        "object_id;x;y;lon;lat\n"
        "Hoogstraat;7;;bis;7411KA;Dijkerveen;winkelfunctie;99;Verblijfsobject in gebruik;"
        "9999010000000007;207400,5;473300,1;6,1598;52,2518\n"
    )
    row = read_bag(text, everywhere).rows[0]
    assert (row.bag_id, row.address.house_number_addition, row.floor_area) == (
        "9999010000000007",
        "BIS",
        99,
    )
    assert (row.latitude, row.longitude) == (52.2518, 6.1598)


def test_every_bad_bag_line_is_named():
    parsed = read_bag(
        decode(
            bag_lines(
                "99990100000001;Hoogstraat;1;;;7411 KA;Dijkerveen;120;winkelfunctie;x;;",
                "9999010000000002;Hoogstraat;2;;;7411 SA;Dijkerveen;85;winkelfunctie;x;;",
                "9999010000000003;Hoogstraat;3;;;7411 KA;Dijkerveen;veel;winkelfunctie;x;;",
                "9999010000000004;Hoogstraat;vier;;;7411 KA;Dijkerveen;10;winkelfunctie;x;;",
                "9999010000000005;Hoogstraat;5;;;7411 KA;Dijkerveen;10;winkelfunctie;x;1;2",
                "9999010000000006;Hoogstraat;6;;;7411 KA;Dijkerveen;10;winkelfunctie;x;;",
                "9999010000000006;Hoogstraat;6;;;7411 KA;Dijkerveen;10;winkelfunctie;x;;",
                "9999010000000008;Hoogstraat;8;;;7411 KA;Dijkerveen;10;woonfunctie;x;;",
            )
        ),
        everywhere,
    )
    messages = {error.line: error.message for error in parsed.errors}
    assert messages == {
        2: "Het BAG-id '99990100000001' is geen 16 cijfers.",
        3: "De postcode '7411 SA' is geen Nederlandse postcode (1234 AB).",
        4: "De oppervlakte 'veel' is geen heel aantal m² van 1 tot 1.000.000.",
        5: "Het huisnummer 'vier' is geen heel getal van 1 tot 99999.",
        6: "De positie 47.97479, 3.31355 ligt niet in Nederland.",
        8: "Het BAG-id 9999010000000006 staat er al eerder in, op regel 7.",
    }


def test_a_file_without_the_needed_columns_is_refused_as_a_whole():
    with pytest.raises(FileError) as refused:
        read_bag("identificatie;postcode\n9999010000000001;7411 KA\n", everywhere)
    assert "openbare_ruimte_naam" in str(refused.value) and "gebruiksdoel" in str(refused.value)
    with pytest.raises(FileError):
        read_kvk("", everywhere)


def test_a_kvk_register_keeps_the_areas_establishments_and_names_bad_lines():
    parsed = read_kvk(decode(kvk_file()), hoogstraat)
    assert [(r.trade_name, r.sbi_code) for r in parsed.rows] == [
        ("Bakkerij De Korenschoof", "4724"),
        ("Kapsalon Knip", "9602"),
    ]
    assert parsed.passed_over == 1
    bad = read_kvk(
        "vestigingsnummer;handelsnaam;straat;huisnummer;postcode;plaats;sbi\n"
        "1234;Winkel;Hoogstraat;1;7411 KA;Dijkerveen;4711\n"
        "000012345678;Winkel;Hoogstraat;1;7411 KA;Dijkerveen;winkel\n"
        "000012345679;;Hoogstraat;1;7411 KA;Dijkerveen;4711\n",
        everywhere,
    )
    assert [(e.line, e.message) for e in bad.errors] == [
        (2, "Het vestigingsnummer '1234' is geen 12 cijfers."),
        (3, "De SBI-code 'winkel' is geen 2 tot 5 cijfers."),
        (4, "De handelsnaam is leeg."),
    ]
