"""The national registers and the scenarios in the demo.

A BAG extract of Dijkerveen's shop objects (every unit, two shop objects nobody offers and a
dwelling the import passes over) and a KvK register of the businesses in the let units, plus
one at a unit that is still listed: the hidden-vacancy list then shows both kinds. Both go
through the same import as an uploaded file. The city centre gets two scenarios to compare:
the zoning by street grade, and one that gives up the Kerkstraat as core and turns the
Lange Nieuwstraat into a transformation zone.
"""

from vrijstad.areas.models import Area
from vrijstad.demo.base import Demo
from vrijstad.opendata import services as opendata
from vrijstad.scenarios import services as scenarios
from vrijstad.scenarios.models import Zone
from vrijstad.units.models import PermittedUse, Unit, UnitStatus

BAG_HEADER = (
    "identificatie;openbare_ruimte_naam;huisnummer;huisletter;huisnummertoevoeging;postcode;"
    "woonplaats_naam;oppervlakte;gebruiksdoel;status;lat;lon"
)
KVK_HEADER = "vestigingsnummer;handelsnaam;straat;huisnummer;postcode;plaats;sbi"
#: Dijkerveen's (fictional) municipality code, the first four digits of its BAG ids.
MUNICIPALITY = "9901"
#: SBI codes of the businesses in the let units, by what the unit may be used for.
SBI = {
    PermittedUse.DETAILHANDEL: ("4771", "4761", "4719", "4776", "4778"),
    PermittedUse.HORECA_1: ("5630",),
    PermittedUse.HORECA_2: ("5610",),
    PermittedUse.DIENSTVERLENING: ("9602", "9609"),
}
TRADE_NAMES = (
    "Boekhandel Het Open Boek",
    "Mode van Toen",
    "Kapsalon Schaar & Kam",
    "Brasserie De Waag",
    "Bloemenhuis Margriet",
    "Optiek Scherp",
    "Cadeauwinkel Kado",
    "Schoenmakerij De Hak",
    "Koffiebar Bonen",
    "Speelgoed Tol",
)
#: The listed unit where a business has registered meanwhile (its listing may be stale).
STALE_AT = ("Molenstraat", 1)


def build_registers(demo: Demo) -> None:
    units = [unit for street in demo.units.values() for unit in street]
    _bag(demo, units)
    _kvk(demo, units)
    _scenarios(demo)


def _bag(demo: Demo, units: list[Unit]) -> None:
    lines = [BAG_HEADER]
    for n, unit in enumerate(units, start=1):
        lines.append(
            f"{MUNICIPALITY}01{n:010d};{unit.street};{unit.house_number};;;{unit.postcode};"
            f"Dijkerveen;{unit.floor_area_vvo};winkelfunctie;Verblijfsobject in gebruik;"
            f"{unit.latitude};{unit.longitude}"
        )
    # Shop objects in the register that nobody offers: the hidden vacancy to look into.
    for n, street in enumerate(("Hoogstraat", "Markt"), start=1):
        last = demo.units[street][-1]
        lines.append(
            f"{MUNICIPALITY}01{9_000 + n:010d};{street};{last.house_number + 20};;;"
            f"{last.postcode};Dijkerveen;{70 + 25 * n};winkelfunctie;Verblijfsobject in gebruik;"
            f"{last.latitude};{last.longitude}"
        )
    first = demo.units["Hoogstraat"][0]
    lines.append(  # a home above the shops: not a shop object, passed over
        f"{MUNICIPALITY}01{9_100:010d};Hoogstraat;{first.house_number};;1;{first.postcode};"
        f"Dijkerveen;64;woonfunctie;Verblijfsobject in gebruik;{first.latitude};{first.longitude}"
    )
    data = ("\n".join(lines) + "\n").encode()
    opendata.import_bag(demo.manager, demo.organisation, data, "bag-dijkerveen.csv")


def _kvk(demo: Demo, units: list[Unit]) -> None:
    lines = [KVK_HEADER]
    number = 0

    def add(unit: Unit, name: str, sbi: str) -> None:
        nonlocal number
        number += 1
        lines.append(
            f"{number:012d};{name};{unit.street};{unit.house_number};{unit.postcode};"
            f"Dijkerveen;{sbi}"
        )

    for n, unit in enumerate(u for u in units if u.status == UnitStatus.LET):
        uses = [use for use in SBI if use in unit.permitted_uses] or [PermittedUse.DETAILHANDEL]
        codes = SBI[uses[n % len(uses)]]
        add(unit, TRADE_NAMES[n % len(TRADE_NAMES)], codes[n % len(codes)])
    street, position = STALE_AT
    stale = demo.units[street][position]
    if stale.status in (UnitStatus.LISTED, UnitStatus.IN_TALKS):
        add(stale, "Kringloopwinkel Tweede Kans", "4779")
    data = ("\n".join(lines) + "\n").encode()
    opendata.import_kvk(demo.manager, demo.organisation, data, "kvk-dijkerveen.csv")


def _scenarios(demo: Demo) -> None:
    centre: Area = demo.areas[0]
    by_grade = scenarios.default_zoning(centre)
    scenarios.create_scenario(
        demo.manager,
        centre,
        scenarios.ScenarioData(
            "Kern volgens straatklasse",
            "De A-straten als kern, B als aanloop, C als transformatie.",
            {str(street_id): zone.value for street_id, zone in by_grade.items()},
        ),
    )
    changed = {"Kerkstraat": Zone.APPROACH, "Lange Nieuwstraat": Zone.TRANSFORMATION}
    smaller = {
        str(street.id): changed.get(street.name, by_grade[street.id]).value
        for street in centre.streets
    }
    scenarios.create_scenario(
        demo.manager,
        centre,
        scenarios.ScenarioData(
            "Compacte kern zonder Kerkstraat",
            "Hoogstraat en Markt als kern; de Kerkstraat wordt aanloopgebied, de Lange "
            "Nieuwstraat transformatiegebied (wonen boven en in de lege winkels).",
            smaller,
        ),
    )
