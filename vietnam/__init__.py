"""What both runtimes need, in one place: Vietnamese text normalisation (:mod:`vietnam.text`), the 102
communes and wards of Đồng Tháp and their former names (:mod:`vietnam.places`), the words citizens use for
procedures (:mod:`vietnam.procedure_terms`), the codes citizens type (:mod:`vietnam.codes`) and working days
in local time (:mod:`vietnam.workdays`).

Runtime-neutral, like Rasa's ``rasa.shared``: it imports nothing else of the project and only the standard
library, PyYAML and (lazily, app runtime) ``holidays``; ``tests/test_import_boundaries.py`` checks it.
"""
