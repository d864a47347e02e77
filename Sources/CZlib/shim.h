#ifndef PRUNETOP_CZLIB_SHIM_H
#define PRUNETOP_CZLIB_SHIM_H
#include <zlib.h>

// inflateInit2 is a macro; Swift cannot call it.
static inline int prunetop_inflate_init_gzip(z_streamp stream) {
    // 15 + 32: largest window, detect gzip or zlib headers automatically.
    return inflateInit2(stream, 15 + 32);
}
#endif
