#ifndef MFG_CBLAS_SHIM_H
#define MFG_CBLAS_SHIM_H
#include <cblas.h>
/* openblas_set_num_threads is declared by OpenBLAS's cblas.h; re-exported here. */
#endif
