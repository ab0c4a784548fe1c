#ifndef SUIJI_CZLIBCHECKSUM_SHIM_H
#define SUIJI_CZLIBCHECKSUM_SHIM_H
/* zlib's CRC-32, for checking the parts of an XLSX package as they are inflated. ZIPFoundation
 * (which links zlib too) computes it a byte at a time on Linux, a tenth of a large import. */
#include <zlib.h>
#endif
