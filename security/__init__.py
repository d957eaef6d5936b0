"""Security checks shared by the app packages: the second factor for status lookups (``second_factor``)."""
