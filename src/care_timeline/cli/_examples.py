"""The examples each command's --help shows (tests run every one of them)."""

PLAN_EXAMPLE = """examples:
  care-timeline plan --due-date 2027-05-10 --today 2026-11-24
  care-timeline plan --due-date 2027-05-10 --today 2026-11-24 --protocol cervical-insufficiency --protocol who-anc-2016
  care-timeline plan --lmp 2026-08-03 --cycle-length 30 --prior-preterm-birth --today 2026-11-24 --format json
  care-timeline plan --ga 14w3d --on 2026-11-24 --fetuses 1 --cervical-length 22 --cervical-length-on 2026-11-20 --today 2026-11-24
  care-timeline plan --due-date 2027-05-10 --today 2026-11-24 --plan-id clinic-42/7781 --format ics -o plan.ics
"""

BATCH_EXAMPLE = """examples:
  care-timeline batch examples/patients.csv --out calendars --today 2026-11-24
  care-timeline batch examples/patients.csv --out tables --format csv --jobs 2 --quiet --today 2026-11-24
"""

PUBLISH_EXAMPLE = """examples:
  care-timeline key new -o clinic.key
  care-timeline publish examples/patients.csv --site site --links links.csv --base-url https://calendars.example.org/feeds/ --uid-key clinic.key --today 2026-11-24
  care-timeline publish examples/patients.csv --site site --links links.csv --base-url https://calendars.example.org/feeds/ --uid-key clinic.key --revoke clinic-42/7781 --today 2026-11-24
"""

UPCOMING_EXAMPLE = """examples:
  care-timeline upcoming examples/patients.csv --from 2026-12-01 --to 2026-12-31 --today 2026-11-24
  care-timeline upcoming examples/patients.csv --from 2026-11-24 --to 2026-11-30 --milestone cervical-monitoring --format csv --today 2026-11-24
"""

PROTOCOL_EXAMPLE = """examples:
  care-timeline protocol list --language tr
  care-timeline protocol show > clinic.toml
  care-timeline protocol show tr-dob-2014 --language tr
  care-timeline protocol validate clinic.toml
  care-timeline protocol show examples/clinic-protocol.toml
"""

EXAMPLES = """examples (see each command's --help for more):
  care-timeline plan --due-date 2027-05-10 --today 2026-11-24
  care-timeline batch examples/patients.csv --out calendars --today 2026-11-24
  care-timeline upcoming examples/patients.csv --from 2026-12-01 --to 2026-12-31 --today 2026-11-24
  care-timeline protocol show > clinic.toml
"""

KEY_EXAMPLE = """examples:
  care-timeline key new -o clinic.key
  care-timeline plan --due-date 2027-05-10 --today 2026-11-24 --plan-id clinic-42/7781 --uid-key clinic.key --format ics -o plan.ics
"""

DIFF_EXAMPLE = """examples:
  care-timeline plan --due-date 2027-05-10 --today 2026-11-24 --plan-id p1 --format json -o before.json
  care-timeline plan --due-date 2027-05-15 --today 2026-11-24 --plan-id p1 --format json -o after.json
  care-timeline diff before.json after.json
  care-timeline diff before.json after.json --format csv -o changes.csv
"""
