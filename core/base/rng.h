/* rng: a small seeded PRNG (xoshiro256**), passed explicitly like the
 * clock, so a seeded simulation replays byte for byte. Value type. */
#ifndef VS_RNG_H
#define VS_RNG_H

#include <stdint.h>

typedef struct { uint64_t s[4]; } vs_rng_t;

static inline uint64_t vs_rng__splitmix(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static inline void vs_rng_seed(vs_rng_t *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        r->s[i] = vs_rng__splitmix(&seed);
}

static inline uint64_t vs_rng__rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static inline uint64_t vs_rng_next(vs_rng_t *r)
{
    uint64_t *s = r->s;
    uint64_t result = vs_rng__rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3];
    s[2] ^= t;
    s[3] = vs_rng__rotl(s[3], 45);
    return result;
}

/* Uniform in [0, n); n > 0. */
static inline uint64_t vs_rng_below(vs_rng_t *r, uint64_t n)
{
    return n ? vs_rng_next(r) % n : 0;
}

/* Uniform in [0, 1). */
static inline double vs_rng_unit(vs_rng_t *r)
{
    return (double)(vs_rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

#endif
