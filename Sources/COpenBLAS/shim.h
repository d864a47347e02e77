#ifndef PRUNETOP_COPENBLAS_SHIM_H
#define PRUNETOP_COPENBLAS_SHIM_H
// Debian's libopenblas-dev installs cblas.h (with openblas_set_num_threads and
// openblas_get_corename) on the default include path of every architecture.
#include <cblas.h>
#endif
