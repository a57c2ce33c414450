"""The conditions of use on the home page (portal.home): the policies I still have to accept, as a
banner above everything else."""

from policy import selectors
from portal import home


def _to_accept(user) -> dict:
    return {"policies_to_accept": selectors.policies_to_accept(user=user)}


home.register_panel(template="policy/_home_panel.html", context=_to_accept, region=home.TOP, order=10)
