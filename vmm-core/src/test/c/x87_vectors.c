/*
 * Panavisor x87 test-vector generator: runs x87 arithmetic on the host CPU (all exceptions
 * masked) and prints one line per vector:
 *
 *   op fcw operand... result fsw
 *
 * all fields hexadecimal. Double extended values are 20 hex digits (sign+exponent, then the
 * 64-bit significand); binary32/64 and integers are their bit patterns. fsw is the status word
 * after the operation (started from FNCLEX) masked to the exception bits and C0..C3 (0x473F).
 * Regenerate with vmm-core/src/test/c/regenerate.sh. Deterministic: fixed PRNG seed (a second
 * argument picks another seed). Usage: x87_vectors [vectors-per-op-and-fcw [seed]].
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct { uint64_t sig; uint16_t se; } __attribute__((packed)) ext;

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint64_t next(void) { rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17; return rng; }
static uint64_t below(uint64_t n) { return next() % n; }

static ext mk(int se, uint64_t sig) { ext e; e.se = (uint16_t) se; e.sig = sig; return e; }

static uint64_t random_significand(void) {
    uint64_t s = next();
    switch (below(8)) {
        case 0: return s | (1ull << 63);
        case 1: return (1ull << 63) | (s & 0xFF);                      /* few low bits */
        case 2: return ((s | (1ull << 63)) & ~0xFFFFFFFFFFull) | (below(2) ? 0x8000000000ull : 0x7FFFFFFFFFull); /* single halfway */
        case 3: return ((s | (1ull << 63)) & ~0x7FFull) | (below(2) ? 0x400ull : 0x3FFull);  /* double halfway */
        case 4: return ~0ull - below(4);                               /* all ones */
        case 5: return (1ull << 63) | (below(2) ? 0 : 1ull << below(63));
        case 6: return (s | (1ull << 63)) & ~((1ull << below(64)) - 1);
        default: return s | (1ull << 63);
    }
}

static ext special(void) {
    static const ext table[] = {
        {0, 0}, {0, 0x8000},
        {0x8000000000000000ull, 0x3FFF}, {0x8000000000000000ull, 0xBFFF},
        {0x8000000000000000ull, 0x7FFF}, {0x8000000000000000ull, 0xFFFF},  /* infinities */
        {0xC000000000000000ull, 0xFFFF}, {0xC000000000000001ull, 0x7FFF},  /* QNaNs */
        {0xFFFFFFFFFFFFFFFFull, 0x7FFF}, {0x8000000000000001ull, 0x7FFF},  /* QNaN, SNaN */
        {0xA000000000000000ull, 0xFFFF}, {0x8000000000000800ull, 0x7FFF},  /* SNaNs */
        {0x0000000000000001ull, 0}, {0x7FFFFFFFFFFFFFFFull, 0x8000},        /* denormals */
        {0x8000000000000000ull, 0}, {0xC000000000000000ull, 0x8000},        /* pseudo-denormals */
        {0x4000000000000000ull, 0x3FFF}, {0x0000000000000000ull, 0x4001},   /* unnormals */
        {0x0000000000000000ull, 0x7FFF}, {0x4000000000000000ull, 0x7FFF},   /* pseudo-inf, pseudo-NaN */
        {0xFFFFFFFFFFFFFFFFull, 0x7FFE}, {0xFFFFFFFFFFFFFFFFull, 0xFFFE},   /* max */
        {0x8000000000000000ull, 0x0001}, {0x8000000000000000ull, 0x8001},   /* min normal */
        {0xFFFFFF0000000000ull, 0x407E}, {0xFFFFFFFFFFFFF800ull, 0x43FE},   /* float/double max */
        {0x8000000000000000ull, 0x3F81}, {0x8000000000000000ull, 0x3C01},   /* float/double min normal */
        {0x8000000000000000ull, 0x3F6A}, {0x8000000000000000ull, 0x3BCD},   /* float/double min denormal */
        {0xFFFFFFFFFFFFFFFFull, 0x3F80}, {0xFFFFFF8000000000ull, 0xBF80},   /* just below float min normal */
        {0xFFFFFFFFFFFFFFFFull, 0x3C00}, {0xFFFFFFFFFFFFFC00ull, 0xBC00},   /* just below double min normal */
        {0xFFFFFFFFFFFFFFFFull, 0x3FFE}, {0xFFFFFF8000000000ull, 0xBFFE},   /* just below 1 */
        {0xFFFFFFFFFFFFFC00ull, 0x3FFE}, {0xFFFFFFFFFFFFFFFFull, 0x0000},
    };
    return table[below(sizeof table / sizeof table[0])];
}

static ext operand(void) {
    int sign = below(2) ? 0x8000 : 0;
    switch (below(10)) {
        case 0: case 1: return special();
        case 2: return mk(next() & 0xFFFF, next());                                 /* any bits */
        case 3: return mk(sign | (int) (0x3FFF - 70 + below(140)), random_significand());
        case 4: return mk(sign | (int) below(70), random_significand() >> (below(4) ? 0 : below(64))); /* tiny/denormal */
        case 5: return mk(sign | (int) (0x7FFE - below(70)), random_significand());  /* huge */
        case 6: return mk(sign | (int) (0x3F81 - 30 + below(60)), random_significand()); /* float underflow */
        case 7: return mk(sign | (int) (0x3C01 - 60 + below(120)), random_significand()); /* double underflow */
        case 8: return mk(sign | (int) (0x407E - 3 + below(6)), random_significand());  /* float overflow */
        default: return mk(sign | (int) (0x3FFF - 2000 + below(4000)), random_significand());
    }
}

/* A second operand near the first (cancellation, equal values, quotient near 1). */
/* An operand whose product (div: quotient) with a lands near the extended underflow/overflow thresholds. */
static ext threshold_partner(ext a, int divide) {
    int ea = a.se & 0x7FFF, sign = below(2) ? 0x8000 : 0;
    int target = below(2) ? (int) below(6) - 2 : 0x7FFE + (int) below(4) - 2;   /* biased result exponent */
    int eb = divide ? ea + 0x3FFF - target : target + 0x3FFF - ea;
    uint64_t sig = below(2) ? random_significand() : ~0ull << below(41);
    return mk(sign | (eb & 0x7FFF), sig);
}

static ext partner(ext a) {
    switch (below(4)) {
        case 0: return operand();
        case 1: { ext b = a; b.se ^= 0x8000; if (below(2)) b.sig ^= 1ull << below(64); return b; }
        case 2: { ext b = a; b.se = (uint16_t) ((b.se & 0x8000) | ((b.se + (int) below(130) - 65) & 0x7FFF)); return b; }
        default: return operand();
    }
}



static void put(ext e) { printf(" %04x%016llx", e.se, (unsigned long long) e.sig); }

#define BINARY(name, insn) \
static void name(unsigned short fcw, ext a, ext b, ext *r, unsigned short *sw) { \
    __asm__ volatile ("fninit\n\tfldcw %4\n\tfldt %3\n\tfldt %2\n\tfnclex\n\t" insn "\n\tfnstsw %1\n\tfnclex\n\tfstpt %0\n\tfstp %%st(0)" \
        : "=m"(*r), "=m"(*sw) : "m"(a), "m"(b), "m"(fcw)); *sw &= 0x473F; }
BINARY(x_add, "fadd %%st(1), %%st")
BINARY(x_sub, "fsub %%st(1), %%st")
BINARY(x_mul, "fmul %%st(1), %%st")
BINARY(x_div, "fdiv %%st(1), %%st")
BINARY(x_scale, "fscale")
BINARY(x_prem, "fprem")
BINARY(x_prem1, "fprem1")

#define MEM(name, type, insn) \
static void name(unsigned short fcw, ext a, type m, ext *r, unsigned short *sw) { \
    __asm__ volatile ("fninit\n\tfldcw %4\n\tfldt %2\n\tfnclex\n\t" insn " %3\n\tfnstsw %1\n\tfstpt %0" \
        : "=m"(*r), "=m"(*sw) : "m"(a), "m"(m), "m"(fcw)); *sw &= 0x473F; }
MEM(m_add32, uint32_t, "fadds") MEM(m_sub32, uint32_t, "fsubs") MEM(m_subr32, uint32_t, "fsubrs")
MEM(m_mul32, uint32_t, "fmuls") MEM(m_div32, uint32_t, "fdivs") MEM(m_divr32, uint32_t, "fdivrs")
MEM(m_add64, uint64_t, "faddl") MEM(m_sub64, uint64_t, "fsubl") MEM(m_subr64, uint64_t, "fsubrl")
MEM(m_mul64, uint64_t, "fmull") MEM(m_div64, uint64_t, "fdivl") MEM(m_divr64, uint64_t, "fdivrl")
MEM(i_add32, int32_t, "fiaddl") MEM(i_sub32, int32_t, "fisubl") MEM(i_subr32, int32_t, "fisubrl")
MEM(i_mul32, int32_t, "fimull") MEM(i_div32, int32_t, "fidivl") MEM(i_divr32, int32_t, "fidivrl")
MEM(i_add16, int16_t, "fiadds") MEM(i_mul16, int16_t, "fimuls") MEM(i_divr16, int16_t, "fidivrs")
typedef void (*int32_fn)(unsigned short, ext, int32_t, ext *, unsigned short *);
static void x_tst(ext a, unsigned short *sw) {
    __asm__ volatile ("fninit\n\tfldt %1\n\tfnclex\n\tftst\n\tfnstsw %0\n\tfstp %%st(0)" : "=m"(*sw) : "m"(a)); *sw &= 0x473F;
}
static void x_xam(ext a, unsigned short *sw) {
    __asm__ volatile ("fninit\n\tfldt %1\n\tfnclex\n\tfxam\n\tfnstsw %0\n\tfstp %%st(0)" : "=m"(*sw) : "m"(a)); *sw &= 0x473F;
}
typedef void (*mem32_fn)(unsigned short, ext, uint32_t, ext *, unsigned short *);
typedef void (*mem64_fn)(unsigned short, ext, uint64_t, ext *, unsigned short *);

static void x_com32(ext a, uint32_t m, unsigned short *sw) {
    __asm__ volatile ("fninit\n\tfldt %1\n\tfnclex\n\tfcoms %2\n\tfnstsw %0\n\tfstp %%st(0)" : "=m"(*sw) : "m"(a), "m"(m)); *sw &= 0x473F;
}
static void x_com64(ext a, uint64_t m, unsigned short *sw) {
    __asm__ volatile ("fninit\n\tfldt %1\n\tfnclex\n\tfcoml %2\n\tfnstsw %0\n\tfstp %%st(0)" : "=m"(*sw) : "m"(a), "m"(m)); *sw &= 0x473F;
}

#define UNARY(name, insn) \
static void name(unsigned short fcw, ext a, ext *r, unsigned short *sw) { \
    __asm__ volatile ("fninit\n\tfldcw %3\n\tfldt %2\n\tfnclex\n\t" insn "\n\tfnstsw %1\n\tfstpt %0" \
        : "=m"(*r), "=m"(*sw) : "m"(a), "m"(fcw)); *sw &= 0x473F; }
#undef UNARY
#define UNARY(name, insn) \
static void name(unsigned short fcw, ext a, ext *r, unsigned short *sw) { \
    __asm__ volatile ("fninit\n\tfldcw %3\n\tfldt %2\n\tfnclex\n\t" insn "\n\tfnstsw %1\n\tfnclex\n\tfstpt %0" \
        : "=m"(*r), "=m"(*sw) : "m"(a), "m"(fcw)); *sw &= 0x473F; }
UNARY(x_sqrt, "fsqrt")
UNARY(x_rndint, "frndint")

static void x_xtract(unsigned short fcw, ext a, ext *sig, ext *exp, unsigned short *sw) {
    __asm__ volatile ("fninit\n\tfldcw %4\n\tfldt %3\n\tfnclex\n\tfxtract\n\tfnstsw %2\n\tfstpt %0\n\tfstpt %1"
        : "=m"(*sig), "=m"(*exp), "=m"(*sw) : "m"(a), "m"(fcw)); *sw &= 0x473F;
}

static void x_cmp(int quiet, ext a, ext b, unsigned short *sw) {
    unsigned short fcw = 0x037F;
    if (quiet) __asm__ volatile ("fninit\n\tfldcw %3\n\tfldt %2\n\tfldt %1\n\tfnclex\n\tfucom %%st(1)\n\tfnstsw %0\n\tfstp %%st(0)\n\tfstp %%st(0)"
        : "=m"(*sw) : "m"(a), "m"(b), "m"(fcw));
    else __asm__ volatile ("fninit\n\tfldcw %3\n\tfldt %2\n\tfldt %1\n\tfnclex\n\tfcom %%st(1)\n\tfnstsw %0\n\tfstp %%st(0)\n\tfstp %%st(0)"
        : "=m"(*sw) : "m"(a), "m"(b), "m"(fcw));
    *sw &= 0x473F;
}

static void x_ld32(unsigned short fcw, uint32_t v, ext *r, unsigned short *sw) {
    __asm__ volatile ("fninit\n\tfldcw %3\n\tfnclex\n\tflds %2\n\tfnstsw %1\n\tfstpt %0" : "=m"(*r), "=m"(*sw) : "m"(v), "m"(fcw)); *sw &= 0x473F;
}
static void x_ld64(unsigned short fcw, uint64_t v, ext *r, unsigned short *sw) {
    __asm__ volatile ("fninit\n\tfldcw %3\n\tfnclex\n\tfldl %2\n\tfnstsw %1\n\tfstpt %0" : "=m"(*r), "=m"(*sw) : "m"(v), "m"(fcw)); *sw &= 0x473F;
}
#define STORE(name, type, insn) \
static void name(unsigned short fcw, ext a, type *r, unsigned short *sw) { \
    __asm__ volatile ("fninit\n\tfldcw %3\n\tfldt %2\n\tfnclex\n\t" insn " %0\n\tfnstsw %1\n\tfnclex\n\tfstp %%st(0)" \
        : "=m"(*r), "=m"(*sw) : "m"(a), "m"(fcw)); *sw &= 0x473F; }
STORE(x_st32, uint32_t, "fsts")
STORE(x_st64, uint64_t, "fstl")
STORE(x_ist16, uint16_t, "fists")
STORE(x_ist32, uint32_t, "fistl")
#define POPSTORE(name, type, insn) \
static void name(unsigned short fcw, ext a, type *r, unsigned short *sw) { \
    __asm__ volatile ("fninit\n\tfldcw %3\n\tfldt %2\n\tfnclex\n\t" insn " %0\n\tfnstsw %1" \
        : "=m"(*r), "=m"(*sw) : "m"(a), "m"(fcw)); *sw &= 0x473F; }
POPSTORE(x_ist64, uint64_t, "fistpll")
POPSTORE(x_istt16, uint16_t, "fisttps")
POPSTORE(x_istt32, uint32_t, "fisttpl")
POPSTORE(x_istt64, uint64_t, "fisttpll")

/* Integers near the limits of each width and near halfway points. */
static ext integer_operand(int bytes) {
    if (below(3) == 0) return operand();
    int sign = below(2) ? 0x8000 : 0;
    int top = 8 * bytes - 1;                       /* 2^top is the first out-of-range magnitude (except -2^top) */
    int e = (int) below(top + 3) - 2;
    return mk(sign | (0x3FFF + e), random_significand());
}

static uint32_t random_binary32(void) {
    uint32_t s = (uint32_t) next();
    switch (below(6)) {
        case 0: return s & 0x807FFFFF;                        /* zero / denormal */
        case 1: return s | 0x7F800000;                        /* inf / NaN */
        case 2: return (s & 0x80000000) | 0x7F800000 | (uint32_t) below(3); /* inf, SNaN */
        case 3: return (s & 0x807FFFFF) | ((uint32_t) below(2) << 23);
        default: return s;
    }
}
static uint64_t random_binary64(void) {
    uint64_t s = next();
    switch (below(6)) {
        case 0: return s & 0x800FFFFFFFFFFFFFull;
        case 1: return s | 0x7FF0000000000000ull;
        case 2: return (s & 0x8000000000000000ull) | 0x7FF0000000000000ull | below(3);
        case 3: return (s & 0x800FFFFFFFFFFFFFull) | (below(2) << 52);
        default: return s;
    }
}

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 300;    /* vectors per op and control word */
    if (argc > 2) rng = strtoull(argv[2], NULL, 0) | 1;  /* another seed, for local soak runs */
    static const int rcs[] = {0, 1, 2, 3}, pcs[] = {0, 1, 2, 3};
    ext r, r2; unsigned short sw;
    for (int ri = 0; ri < 4; ri++) for (int pi = 0; pi < 4; pi++) {
        unsigned short fcw = (unsigned short) (0x003F | (pcs[pi] << 8) | (rcs[ri] << 10) | 0x40);
        for (int i = 0; i < n; i++) {
            ext a = operand(), b = partner(a);
            x_add(fcw, a, b, &r, &sw); printf("add %04x", fcw); put(a); put(b); put(r); printf(" %04x\n", sw);
            a = operand(); b = partner(a);
            x_sub(fcw, a, b, &r, &sw); printf("sub %04x", fcw); put(a); put(b); put(r); printf(" %04x\n", sw);
            a = operand(); b = below(4) ? operand() : threshold_partner(a, 0);
            x_mul(fcw, a, b, &r, &sw); printf("mul %04x", fcw); put(a); put(b); put(r); printf(" %04x\n", sw);
            a = operand(); b = below(4) ? (below(2) ? partner(a) : operand()) : threshold_partner(a, 1);
            x_div(fcw, a, b, &r, &sw); printf("div %04x", fcw); put(a); put(b); put(r); printf(" %04x\n", sw);
            {
                static const char *names[] = {"add", "sub", "subr", "mul", "div", "divr"};
                static const mem32_fn f32[] = {m_add32, m_sub32, m_subr32, m_mul32, m_div32, m_divr32};
                static const mem64_fn f64[] = {m_add64, m_sub64, m_subr64, m_mul64, m_div64, m_divr64};
                int k = (int) below(6);
                uint32_t m32 = random_binary32(); uint64_t m64 = random_binary64();
                a = operand();
                f32[k](fcw, a, m32, &r, &sw); printf("%s32 %04x", names[k], fcw); put(a); printf(" %08x", m32); put(r); printf(" %04x\n", sw);
                k = (int) below(6); a = operand();
                f64[k](fcw, a, m64, &r, &sw); printf("%s64 %04x", names[k], fcw); put(a); printf(" %016llx", (unsigned long long) m64); put(r); printf(" %04x\n", sw);
            }
            {
                static const char *names[] = {"iadd32", "isub32", "isubr32", "imul32", "idiv32", "idivr32"};
                static const int32_fn fi[] = {i_add32, i_sub32, i_subr32, i_mul32, i_div32, i_divr32};
                int k = (int) below(6);
                int32_t m = below(4) == 0 ? (int32_t) (below(5) - 2) : (int32_t) (next() >> below(64));
                a = operand();
                fi[k](fcw, a, m, &r, &sw); printf("%s %04x", names[k], fcw); put(a); printf(" %08x", (uint32_t) m); put(r); printf(" %04x\n", sw);
                if (below(4) == 0) {
                    int16_t h = (int16_t) next(); a = operand();
                    k = (int) below(3);
                    (k == 0 ? i_add16 : k == 1 ? i_mul16 : i_divr16)(fcw, a, h, &r, &sw);
                    printf("%s %04x", k == 0 ? "iadd16" : k == 1 ? "imul16" : "idivr16", fcw); put(a); printf(" %04x", (uint16_t) h); put(r); printf(" %04x\n", sw);
                }
            }
            a = operand();
            x_sqrt(fcw, a, &r, &sw); printf("sqrt %04x", fcw); put(a); put(r); printf(" %04x\n", sw);
        }
    }
    for (int ri = 0; ri < 4; ri++) {
        /* PC does not apply to these: 0x037F-style extended precision, varied RC. */
        unsigned short fcw = (unsigned short) (0x037F | (rcs[ri] << 10));
        ext b;
        for (int i = 0; i < n; i++) {
            ext a = integer_operand(8);
            x_rndint(fcw, a, &r, &sw); printf("rndint %04x", fcw); put(a); put(r); printf(" %04x\n", sw);
            uint32_t f = random_binary32(); uint64_t d = random_binary64();
            x_ld32(fcw, f, &r, &sw); printf("ld32 %04x %08x", fcw, f); put(r); printf(" %04x\n", sw);
            x_ld64(fcw, d, &r, &sw); printf("ld64 %04x %016llx", fcw, (unsigned long long) d); put(r); printf(" %04x\n", sw);
            a = operand(); uint32_t s32;
            x_st32(fcw, a, &s32, &sw); printf("st32 %04x", fcw); put(a); printf(" %08x %04x\n", s32, sw);
            a = operand(); uint64_t s64;
            x_st64(fcw, a, &s64, &sw); printf("st64 %04x", fcw); put(a); printf(" %016llx %04x\n", (unsigned long long) s64, sw);
            uint16_t i16; uint32_t i32; uint64_t i64;
            a = integer_operand(2); x_ist16(fcw, a, &i16, &sw); printf("ist16 %04x", fcw); put(a); printf(" %04x %04x\n", i16, sw);
            a = integer_operand(4); x_ist32(fcw, a, &i32, &sw); printf("ist32 %04x", fcw); put(a); printf(" %08x %04x\n", i32, sw);
            a = integer_operand(8); x_ist64(fcw, a, &i64, &sw); printf("ist64 %04x", fcw); put(a); printf(" %016llx %04x\n", (unsigned long long) i64, sw);
            for (int k = 0; k < 2; k++) {
                a = operand(); b = mk((below(2) ? 0x8000 : 0) | (int) (0x3FFF + below(20)), random_significand());
                if (below(3) == 0) b = operand();
                x_scale(fcw, a, b, &r, &sw); printf("scale %04x", fcw); put(a); put(b); put(r); printf(" %04x\n", sw);
            }
            if (ri == 0) {
                a = integer_operand(2); x_istt16(fcw, a, &i16, &sw); printf("istt16 %04x", fcw); put(a); printf(" %04x %04x\n", i16, sw);
                a = integer_operand(4); x_istt32(fcw, a, &i32, &sw); printf("istt32 %04x", fcw); put(a); printf(" %08x %04x\n", i32, sw);
                a = integer_operand(8); x_istt64(fcw, a, &i64, &sw); printf("istt64 %04x", fcw); put(a); printf(" %016llx %04x\n", (unsigned long long) i64, sw);
                a = operand(); b = below(3) ? partner(a) : operand();
                x_cmp(0, a, b, &sw); printf("com 037f"); put(a); put(b); printf(" %04x\n", sw);
                a = operand(); { uint32_t m32 = random_binary32(); x_com32(a, m32, &sw); printf("com32 037f"); put(a); printf(" %08x %04x\n", m32, sw); }
                a = operand(); { uint64_t m64 = random_binary64(); x_com64(a, m64, &sw); printf("com64 037f"); put(a); printf(" %016llx %04x\n", (unsigned long long) m64, sw); }
                a = operand(); x_xam(a, &sw); printf("xam 037f"); put(a); printf(" %04x\n", sw);
                a = operand(); x_tst(a, &sw); printf("tst 037f"); put(a); printf(" %04x\n", sw);
                a = operand(); b = below(3) ? partner(a) : operand();
                x_cmp(1, a, b, &sw); printf("ucom 037f"); put(a); put(b); printf(" %04x\n", sw);
                a = operand(); b = below(2) ? partner(a) : operand();
                x_prem(fcw, a, b, &r, &sw); printf("prem %04x", fcw); put(a); put(b); put(r); printf(" %04x\n", sw);
                a = operand(); b = below(2) ? partner(a) : operand();
                x_prem1(fcw, a, b, &r, &sw); printf("prem1 %04x", fcw); put(a); put(b); put(r); printf(" %04x\n", sw);
                a = operand();
                x_xtract(fcw, a, &r, &r2, &sw); printf("xtract %04x", fcw); put(a); put(r2); put(r); printf(" %04x\n", sw);
            }
        }
    }
    /* OM and UM unmasked (the others masked): the register result is the exponent-wrapped one
       (FNCLEX right after FNSTSW keeps the pending exception from trapping). */
    for (int ri = 0; ri < 4; ri++) for (int pi = 0; pi < 4; pi++) {
        unsigned short fcw = (unsigned short) (0x0067 | (pcs[pi] << 8) | (rcs[ri] << 10) | 0x40);
        for (int i = 0; i < n / 4; i++) {
            ext a = operand(), b = below(2) ? threshold_partner(a, 0) : operand();
            x_mul(fcw, a, b, &r, &sw); printf("mul %04x", fcw); put(a); put(b); put(r); printf(" %04x\n", sw);
            a = operand(); b = below(2) ? threshold_partner(a, 1) : operand();
            x_div(fcw, a, b, &r, &sw); printf("div %04x", fcw); put(a); put(b); put(r); printf(" %04x\n", sw);
            a = operand(); b = partner(a);
            x_add(fcw, a, b, &r, &sw); printf("add %04x", fcw); put(a); put(b); put(r); printf(" %04x\n", sw);
            if (pi == 3) {
                /* An unmasked overflow or underflow of FST stores nothing: the buffers start at 0. */
                uint32_t s32 = 0; uint64_t s64 = 0;
                a = operand(); x_st32(fcw, a, &s32, &sw); printf("st32 %04x", fcw); put(a); printf(" %08x %04x\n", s32, sw);
                a = operand(); x_st64(fcw, a, &s64, &sw); printf("st64 %04x", fcw); put(a); printf(" %016llx %04x\n", (unsigned long long) s64, sw);
            }
        }
    }
    /* IM, DM and ZM unmasked: the operation stops before computing; only the status word is
       meaningful (the destination keeps its old value). */
    for (int ri = 0; ri < 4; ri += 3) {
        unsigned short fcw = (unsigned short) (0x0378 | (rcs[ri] << 10));
        for (int i = 0; i < n / 4; i++) {
            ext a = operand(), b = operand();
            x_add(fcw, a, b, &r, &sw); printf("add %04x", fcw); put(a); put(b); put(r); printf(" %04x\n", sw);
            a = operand(); b = operand();
            x_mul(fcw, a, b, &r, &sw); printf("mul %04x", fcw); put(a); put(b); put(r); printf(" %04x\n", sw);
            a = operand(); b = operand();
            x_div(fcw, a, b, &r, &sw); printf("div %04x", fcw); put(a); put(b); put(r); printf(" %04x\n", sw);
            a = operand();
            x_sqrt(fcw, a, &r, &sw); printf("sqrt %04x", fcw); put(a); put(r); printf(" %04x\n", sw);
            uint32_t s32 = 0; a = operand();
            x_st32(fcw, a, &s32, &sw); printf("st32 %04x", fcw); put(a); printf(" %08x %04x\n", s32, sw);
        }
    }
    /* FPREM/FPREM1 near the bottom of the exponent range, UM unmasked and masked: remainders
       that are tiny (the masked ones exact denormals without UE; the unmasked ones UE and the
       exponent-wrapped result, as for the arithmetic above). */
    for (int um = 0; um < 2; um++) {
        unsigned short fcw = um ? 0x036F : 0x037F;
        for (int i = 0; i < n / 4; i++) {
            ext a = mk((below(2) ? 0x8000 : 0) | (int) (1 + below(80)), random_significand());
            ext b = mk((below(2) ? 0x8000 : 0) | (int) (1 + below(16)), random_significand());
            if (below(8) == 0) b = operand();
            x_prem(fcw, a, b, &r, &sw); printf("prem %04x", fcw); put(a); put(b); put(r); printf(" %04x\n", sw);
            a = mk((below(2) ? 0x8000 : 0) | (int) (1 + below(80)), random_significand());
            b = mk((below(2) ? 0x8000 : 0) | (int) (1 + below(16)), random_significand());
            x_prem1(fcw, a, b, &r, &sw); printf("prem1 %04x", fcw); put(a); put(b); put(r); printf(" %04x\n", sw);
        }
    }
    return 0;
}
