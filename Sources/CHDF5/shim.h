#ifndef MFG_CHDF5_SHIM_H
#define MFG_CHDF5_SHIM_H
#include <hdf5.h>
/* HDF5 exposes these as macros that Swift cannot import; reach them through functions. */
static inline hid_t mfg_H5T_NATIVE_DOUBLE(void) { return H5T_NATIVE_DOUBLE; }
static inline hid_t mfg_H5T_NATIVE_FLOAT(void) { return H5T_NATIVE_FLOAT; }
static inline hid_t mfg_H5T_NATIVE_INT64(void) { return H5T_NATIVE_INT64; }
static inline hid_t mfg_H5T_NATIVE_UINT64(void) { return H5T_NATIVE_UINT64; }
static inline hid_t mfg_H5T_C_S1(void) { return H5T_C_S1; }
static inline hid_t mfg_H5P_DEFAULT(void) { return H5P_DEFAULT; }
static inline hid_t mfg_H5P_DATASET_CREATE(void) { return H5P_DATASET_CREATE; }
static inline hid_t mfg_H5S_ALL(void) { return H5S_ALL; }
static inline unsigned mfg_H5F_ACC_TRUNC(void) { return H5F_ACC_TRUNC; }
static inline unsigned mfg_H5F_ACC_RDONLY(void) { return H5F_ACC_RDONLY; }
static inline unsigned mfg_H5F_ACC_RDWR(void) { return H5F_ACC_RDWR; }
static inline size_t mfg_H5T_VARIABLE(void) { return H5T_VARIABLE; }
/* Explicit little-endian file types, so files are identical whatever the host byte order. */
static inline hid_t mfg_H5T_IEEE_F64LE(void) { return H5T_IEEE_F64LE; }
static inline hid_t mfg_H5T_IEEE_F32LE(void) { return H5T_IEEE_F32LE; }
static inline hid_t mfg_H5T_STD_I64LE(void) { return H5T_STD_I64LE; }
static inline hid_t mfg_H5T_STD_U64LE(void) { return H5T_STD_U64LE; }
static inline hid_t mfg_H5P_FILE_ACCESS(void) { return H5P_FILE_ACCESS; }
/* Default (thread-local) error stack, used to silence automatic printing and to read error details. */
static inline hid_t mfg_H5E_DEFAULT(void) { return H5E_DEFAULT; }
/* Turn off HDF5's automatic error-stack printing for the calling thread (per-thread in threadsafe builds). */
static inline herr_t mfg_silence_errors(void) { return H5Eset_auto2(H5E_DEFAULT, NULL, NULL); }
#endif
