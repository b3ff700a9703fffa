"""Independent reference for tests/holidays_crosscheck.rs.

Prints the German public holidays from the PyPI `holidays` package as lines
`CODE YYYY-MM-DD`, where CODE is `DE` (nationwide) or `DE-XX` (a state), for
the years FIRST..=LAST given on the command line. Default categories only
(PUBLIC), i.e. state-wide holidays, the same scope as lotse's calendar.

Exits non-zero with a clear message when the package is missing: the Rust
test must fail loudly, never skip.
"""

import os
import sys

# This file is itself called holidays.py: drop its own directory from the
# import path so `import holidays` finds the package, not this script.
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path = [p for p in sys.path if os.path.abspath(p or ".") != _HERE]

try:
    import holidays
except ImportError:
    sys.stderr.write(
        "the Python package `holidays` is not installed; run `pip install holidays`\n"
    )
    sys.exit(2)

STATES = "BW BY BE BB HB HH HE MV NI NW RP SL SN ST SH TH".split()


def main() -> None:
    first, last = int(sys.argv[1]), int(sys.argv[2])
    years = range(first, last + 1)
    print(f"# holidays {holidays.__version__}")
    for subdiv in [None] + STATES:
        code = "DE" if subdiv is None else f"DE-{subdiv}"
        for day in sorted(holidays.country_holidays("DE", subdiv=subdiv, years=years)):
            print(f"{code} {day.isoformat()}")


if __name__ == "__main__":
    main()
