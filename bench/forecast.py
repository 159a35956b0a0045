"""The street forecast for a large city: 20,000 units over 60 months of history (issue 26).

Run from the project root: `.venv/bin/python bench/forecast.py` (`make bench` does).

Generates a city of 400 streets × 50 units with known monthly chances (every street its own
chance to fall vacant, letting slower the longer a unit is empty) over 60 months, then times
the estimate of every street's chances and the forecast 3, 6 and 12 months ahead, and runs
the back-test over the last 12 months against "no change". No database: the model reads a
units × months panel (the figures do not include reading it).

Stdout: one JSON line per figure. Target: estimate + forecast ≤ 2 s (issue 26).
"""

import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from vrijstad.forecast.model import backtest, estimate, forecast, simulate_city  # noqa: E402

STREETS, UNITS_PER_STREET, MONTHS = 400, 50, 60


def emit(figure: str, value, unit: str, **extra) -> None:
    print(
        json.dumps({"bench": "forecast", "figure": figure, "value": value, "unit": unit, **extra})
    )


def main() -> None:
    rng = np.random.default_rng(26)
    fall = rng.uniform(0.004, 0.03, STREETS)
    let = np.outer(rng.uniform(0.6, 1.4, STREETS), [0.30, 0.20, 0.12, 0.06, 0.02])
    states, streets = simulate_city(rng, fall, let, UNITS_PER_STREET, MONTHS, start_vacancy=0.0)
    units = len(streets)

    started = time.perf_counter()
    chances = estimate(states, streets, STREETS)
    estimated = time.perf_counter()
    result = forecast(chances, states[:, -1], streets, (3, 6, 12))
    done = time.perf_counter()
    emit("estimate", round(estimated - started, 3), "s", units=units, months=MONTHS)
    emit("forecast_3_6_12", round(done - estimated, 3), "s", streets=STREETS)
    emit("total", round(done - started, 3), "s", target=2.0, met=done - started <= 2.0)
    emit("street_forecasts", len(result), "rows")
    emit(
        "fall_chance_error",
        round(float(np.median(np.abs(chances.fall - fall) / fall)), 3),
        "median relative error",
    )

    started = time.perf_counter()
    check = backtest(states, streets, STREETS, months=12)
    emit("backtest", round(time.perf_counter() - started, 3), "s")
    emit("backtest_mae_model", round(check.model_mae, 3), "empty units per street")
    emit("backtest_mae_no_change", round(check.no_change_mae, 3), "empty units per street")


if __name__ == "__main__":
    main()
