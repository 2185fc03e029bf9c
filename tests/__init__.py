"""The framework's own tests, mirroring the packages; they bring their own features and steps.

They do not read the example suites (``features/shop``, ``features/httpbin``, ``steps/shop``,
``models/shop*``, their profiles) but their own copy, :mod:`tests.suites`: ``make
remove-examples`` leaves them passing (``tests/test_examples_apart.py``). They may import every
package of ours, and run the embedded demo API (``demo_api``) and real servers on 127.0.0.1.
"""
