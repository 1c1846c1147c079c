"""The app's screens, each imported when first shown."""

WIDE = 110  # from this width up screens get the "wide" class (FieldcoachApp.HORIZONTAL_BREAKPOINTS)
