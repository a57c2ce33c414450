"""The apps fill the shell's registries in the order the pages have always shown: the navigation,
the dashboards and their panels, the home page's links, seed_demo's steps."""

from portal import demo, home, navigation
from portal.dashboards import registry


def test_the_navigation_is_in_its_order():
    assert [e.url_name for e in navigation.entries()] == [
        "portal:home",
        "devices:my_kit",
        "incidents:incident_start",
        "incidents:incident_queue",
        "admin:index",
        "devices:device_list",
        "devices:activity",
        "devices:my_team",
        "devices:request_list",
        "devices:request_approvals",
        "devices:request_tech_bar",
        "devices:kit_gaps",
        "devices:leaver_list",
        "devices:figures",
        "policy:my_policies",
        "policy:compliance_index",
        "portal:dashboards",
    ]


def test_the_dashboards_and_their_panels_are_in_their_order():
    assert registry.sections() == {
        "incidents": "Incidents",
        "conditions-of-use": "Conditions of use",
        "devices": "Devices",
        "leavers": "Leavers",
    }
    assert {slug: [s.build.__name__ for s in registry.panel_sources(slug)] for slug in registry.sections()} == {
        "incidents": ["incident_panels", "loss_panels"],
        "conditions-of-use": ["compliance_panels"],
        "devices": ["device_panels", "request_panels", "loan_panels", "accessory_panels"],
        "leavers": ["leaver_panels"],
    }


def test_the_home_page_parts_are_in_their_order():
    links = sorted(home._WORK_LINKS.values(), key=lambda link: link.order)
    assert [link.template for link in links] == [
        "devices/_home_work_counter.html",
        "incidents/_home_work_queue.html",
        "devices/_home_work_devices.html",
        "portal/_home_work_dashboards.html",
        "devices/_home_work_leavers.html",
        "devices/_home_work_team.html",
    ]
    panels = sorted(home._PANELS.values(), key=lambda panel: (panel.region != home.TOP, panel.order))
    assert [(p.region, p.template) for p in panels] == [
        (home.TOP, "policy/_home_panel.html"),
        (home.MAIN, "devices/_home_kit.html"),
        (home.MAIN, "incidents/_home_panel.html"),
    ]


def test_seed_demo_steps_are_in_their_order():
    steps = [f"{seed.__module__}.{seed.__name__}" for _, seed in demo.seeders()]
    assert steps == [
        "devices.demo.seed_catalogue",
        "devices.demo.seed_estate",
        "devices.demo.seed_loans",
        "devices.accessories.demo.seed_accessories",
        "policy.demo.seed_demo_force",
        "incidents.demo.seed_demo_force",
        "devices.demo.seed_dashboards",
        "devices.figures.demo.seed_figures_history",
    ]
    orders = [order for order, _ in demo.seeders()]
    assert orders[0] < demo.PEOPLE_ORDER < orders[1]  # the catalogue before the people, the kit after
