/*
 * dcmp.h - the decompression unit: between the weight buffer's read port
 * and the VS array, it expands a compressed tile (narrow integers with
 * their scales, or a sparse layout's values and indices) into the fp16
 * operands the VS units latch (docs/compression.md §6, docs/hardware.md §2).
 *
 *   cycle   c                    c+1 .. c+R-1          c+R .. c+R+D-1    c+R+D
 *   ctrl    tile issued: port    weight-buffer read    decompression     tile at the
 *           and decoder credit   (R = read_latency)    (D = latency)     VS array
 *           checked and taken
 *
 *   decoder credit, weights_per_cycle = W, a tile of w decoded weights:
 *   cycle          c      c+1      ...   c+j
 *   credit before  C      C-w+W    ...   C-w+jW   (capped at the cap)
 *   the next tile issues in the first cycle whose credit is >= w
 *
 * Throughput: the unit decodes W weights per cycle into a staging register
 * of one tile (its credit, capped at the larger of N*K and the layer's
 * largest tile): a tile can be issued when the credit holds its decoded
 * weights, which it takes. Otherwise the controller issues a bubble whose
 * lanes count as idle.decompress. The credit starts each layer full. With
 * W = auto (0) or W >= N*K the unit never stalls (a tile has at most N*K
 * weights) and nothing is tracked, so such runs are those of before.
 *
 * Latency: D cycles added to the weight-read line of a layer whose tiles
 * pass through the unit (a layer stored in fp16, dense, bypasses it).
 *
 * A layer passes through the unit when its program says so (a tile with
 * dec_weights > 0: weights stored below 16 bits or in a sparse layout).
 * Energy: `dcmp.weights` counts decoded weights, priced per weight
 * (docs/energy.md).
 */
#ifndef SHARPSIM_DCMP_H
#define SHARPSIM_DCMP_H

#include <stdbool.h>
#include <stdint.h>

#include "../common/snap.h"
#include "../common/stats.h"
#include "../common/unit.h"
#include "../config/hw_cfg.h"
#include "../ctrl/sched.h"

typedef struct dcmp dcmp_t;

dcmp_t *dcmp_create(const dcmp_cfg_t *cfg, uint32_t vs_units, uint32_t vs_width, stats_t *st);
void dcmp_destroy(dcmp_t *d);
/* Does program p's layer pass through the unit (some tile is decoded)? */
bool dcmp_used(const sched_prog_t *p);
/* Cycles the unit adds to the weight-read line of program p's layer. */
uint32_t dcmp_latency(const dcmp_t *d, const sched_prog_t *p);
/* Enters a layer: the credit starts full. */
void dcmp_begin_layer(dcmp_t *d, const sched_prog_t *p);
/* Can tile m be issued this cycle (the credit holds its decoded weights)? */
bool dcmp_ready(const dcmp_t *d, const tile_meta_t *m);
/* Issues it (precondition: ready): the credit pays its weights. */
void dcmp_take(dcmp_t *d, const tile_meta_t *m);
/* Fast-forward: tiles m[0 .. n) issued in a burst (precondition:
 * dcmp_quiet), counted only. */
void dcmp_take_run(dcmp_t *d, const tile_meta_t *m, uint32_t n);
/* Tiles of `weights` decoded weights in all, issued while dcmp_quiet,
 * counted only (ctrl_settle). */
void dcmp_count(dcmp_t *d, uint64_t weights);
void dcmp_tick(dcmp_t *d);
/* The unit cannot stall this layer: unlimited, or the layer bypasses it. */
bool dcmp_quiet(const dcmp_t *d);

/* This unit behind the unit interface (unit.h): its credit is its state. */
extern const unit_ops_t dcmp_unit;

#endif
