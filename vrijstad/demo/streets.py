"""Every street's public page: its story, and its profile (the branch mix it asks for)."""

from vrijstad.dashboard import services as dashboard
from vrijstad.demo.base import Demo
from vrijstad.matching import services as matching
from vrijstad.starters.models import BranchGroup as B

#: Street: (story, branch groups wanted, branch groups it has enough of, profile note).
STREETS = {
    "Hoogstraat": (
        "De Hoogstraat is de ruggengraat van Dijkerveen: een lint van negentiende-eeuwse "
        "panden tussen de Markt en de oude stadspoort. Hier lopen op zaterdag de meeste "
        "mensen van de stad.\n\nNaast de vertrouwde namen openden de afgelopen jaren nieuwe "
        "winkels met een eigen verhaal, zoals een bloemist met honing van stadsbijen en een "
        "yogastudio met een kleine winkel.",
        [B.FASHION_LUXURY, B.HOME_GARDEN],
        [B.DAILY_GOODS],
        "Een winkelstraat voor mode, wonen en cadeaus; liever geen telefoonwinkels erbij.",
    ),
    "Markt": (
        "Rond de Markt klopt het hart van de binnenstad: de weekmarkt op woensdag en "
        "zaterdag, terrassen in de zon en het oude stadhuis.\n\nDe ondernemersvereniging "
        "zoekt hier zaken die de markt aanvullen: ambacht, versproducten en plekken om even "
        "te zitten.",
        [B.LEISURE_HORECA, B.DAILY_GOODS],
        [],
        "Horeca en vers op het plein; de markt zelf trekt het publiek.",
    ),
    "Kerkstraat": (
        "De Kerkstraat loopt van de Grote Kerk naar de Hoogstraat. Smalle panden, veel "
        "zelfstandige ondernemers en een straat die elkaar kent.\n\nIn de zomer hangen hier "
        "de lampions van het Kerkstraatfeest, georganiseerd door de bewoners en winkeliers "
        "samen.",
        [B.LEISURE_GOODS, B.FASHION_LUXURY],
        [B.SERVICES],
        "Speciaalzaken en ontdekken: platen, boeken, design.",
    ),
    "Lange Nieuwstraat": (
        "De Lange Nieuwstraat verbindt de binnenstad met de parkeergarage aan de singel. "
        "Wie hier loopt, heeft haast, of juist niet.\n\nDe straat zoekt een nieuw gezicht: "
        "dienstverleners en ateliers die bezoekers een reden geven om te blijven.",
        [B.SERVICES, B.OTHER_RETAIL],
        [],
        "Ruimte voor ateliers, reparatie en dienstverlening.",
    ),
    "Molenstraat": (
        "De Molenstraat dankt haar naam aan de korenmolen die tot 1911 aan het eind van de "
        "straat stond. Nu is het een aanloopstraat met betaalbare panden.\n\nSinds een "
        "keramiekatelier de Win een winkel-prijs won, komen er weer makers naar de straat.",
        [B.LEISURE_GOODS, B.OTHER_RETAIL],
        [B.LEISURE_HORECA],
        "Makers en ambacht; genoeg kroegen aan het eind van de straat.",
    ),
    "Havenkade": (
        "Aan de Havenkade lagen vroeger de turfschepen; nu liggen er sloepen en is het "
        "water het decor van zomerse avonden.\n\nDe kade zoekt ondernemers die het water "
        "gebruiken: een koffiebar met terras, een botenverhuur, een winkel met streekwaar.",
        [B.LEISURE_HORECA, B.LEISURE_GOODS],
        [],
        "Een kade om te verblijven: horeca en vrije tijd.",
    ),
    "Brugstraat": (
        "De Brugstraat is de kortste weg van het station naar de binnenstad, maar ook de "
        "straat met de meeste leegstand.\n\nSamen met de eigenaren werkt het "
        "binnenstadsmanagement aan een plan: tijdelijke winkels, nieuwe gevels en woningen "
        "boven de winkels.",
        [B.SERVICES, B.HOME_GARDEN],
        [B.DAILY_GOODS],
        "Tijdelijk gebruik welkom; gevelsubsidie geldt hier.",
    ),
    "Stationsweg": (
        "De Stationsweg is de entree van de stad voor wie met de trein komt. Forenzen, "
        "studenten en toeristen lopen hier elke dag langs.\n\nDe straat vraagt om snelle "
        "dienstverlening en goede koffie onderweg.",
        [B.SERVICES, B.LEISURE_HORECA],
        [],
        "Gemak voor forenzen: dienstverlening en koffie.",
    ),
    "Kanaalstraat": (
        "De Kanaalstraat ligt tussen het kanaal en het nieuwe stationskwartier. Oude "
        "bedrijfspanden worden hier werkplaatsen en showrooms.\n\nWie ruimte zoekt voor een "
        "werkplaats met een winkel ervoor, vindt die hier voor een vriendelijke huur.",
        [B.OTHER_RETAIL, B.HOME_GARDEN],
        [],
        "Werkplaatsen met een winkel: reparatie, wonen, tuin.",
    ),
}


def publish_streets(demo: Demo) -> None:
    """Write each street's story and profile, and publish its page."""
    for area in demo.areas:
        for street in area.streets:
            story, wanted, excluded, note = STREETS[street.name]
            matching.save_street_profile(demo.manager, street, wanted, excluded, note)
            dashboard.save_story(demo.manager, street, story, True)
