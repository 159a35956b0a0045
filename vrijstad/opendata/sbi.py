"""SBI codes (the KvK's activity codes, Standaard Bedrijfsindeling 2008) to branch groups.

The longest prefix of the code in the table wins: ``4771`` (clothing) is fashion & luxury
although ``47`` (retail) alone would be other retail. A code without a prefix in the table
(manufacturing, wholesale, offices without a counter, …) has no branch group: it still counts
as an active business at its address, but not in a street's branch mix.

========  ===========================================  ================
prefix    SBI                                          branch group
========  ===========================================  ================
47        retail (not listed below)                    other retail
471, 472  supermarkets, food, drink, tobacco shops     daily goods
4773-75   pharmacies, drugstores, medical goods        daily goods
474       ICT and consumer electronics                 leisure goods
475       textiles, hardware, furniture, household     home & garden
4776      flowers, plants, pets                        home & garden
476       books, music, sports, toys                   leisure goods
4771-72   clothing, shoes and leather                  fashion & luxury
4777      watches and jewellery                        fashion & luxury
55, 56    accommodation, food and drink (horeca)       leisure & horeca
90-93     arts, culture, gambling, sport, recreation   leisure & horeca
64-66     banks, insurance                             services
68-75     real estate, legal, consultancy, design      services
77-82     rental, travel agencies, other business      services
86        health care (GP, physiotherapy, …)           services
95, 96    repairs; personal services (hair, beauty)    services
========  ===========================================  ================
"""

from vrijstad.starters.models import BranchGroup

SBI_BRANCHES: dict[str, BranchGroup] = {
    "47": BranchGroup.OTHER_RETAIL,
    "471": BranchGroup.DAILY_GOODS,
    "472": BranchGroup.DAILY_GOODS,
    "4773": BranchGroup.DAILY_GOODS,
    "4774": BranchGroup.DAILY_GOODS,
    "4775": BranchGroup.DAILY_GOODS,
    "474": BranchGroup.LEISURE_GOODS,
    "475": BranchGroup.HOME_GARDEN,
    "4776": BranchGroup.HOME_GARDEN,
    "476": BranchGroup.LEISURE_GOODS,
    "4771": BranchGroup.FASHION_LUXURY,
    "4772": BranchGroup.FASHION_LUXURY,
    "4777": BranchGroup.FASHION_LUXURY,
    "55": BranchGroup.LEISURE_HORECA,
    "56": BranchGroup.LEISURE_HORECA,
    **{str(n): BranchGroup.LEISURE_HORECA for n in range(90, 94)},
    **{str(n): BranchGroup.SERVICES for n in (64, 65, 66, *range(68, 76), *range(77, 83))},
    "86": BranchGroup.SERVICES,
    "95": BranchGroup.SERVICES,
    "96": BranchGroup.SERVICES,
}


def branch_of(sbi_code: str) -> BranchGroup | None:
    """The branch group of an SBI code (digits only), by its longest known prefix."""
    for length in range(len(sbi_code), 1, -1):
        found = SBI_BRANCHES.get(sbi_code[:length])
        if found is not None:
            return found
    return None
