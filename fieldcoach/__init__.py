"""fieldcoach: coach your reps in the field, from the car park."""

__version__ = "0.1.0"
