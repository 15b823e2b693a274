"""The ``landcheck`` command line: thin click commands over the library.

Imported before anything loads numpy (the command's entry point is inside this
package), so the command's processes load OpenBLAS with one thread
(:func:`landcheck.threads.one_blas_thread`).
"""

from landcheck.threads import one_blas_thread

one_blas_thread()
