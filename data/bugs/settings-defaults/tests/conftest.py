"""Run the tests in a random order, as this project's CI does, to expose hidden coupling."""

import random


def pytest_collection_modifyitems(items):
    random.shuffle(items)
