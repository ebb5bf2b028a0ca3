;; A batched 2-D transpose of 4-byte values, for the Transpose override (./transpose.ts). Source of
;; the bytes in ./transpose-bytes.ts (scripts/build-wat.sh transpose rebuilds them).
;;
;; transpose(src, dst, batch, rows, cols): dst[b, c, r] = src[b, r, c] for b < batch, r < rows,
;; c < cols; src and dst are byte offsets of float32 (or int32) arrays in the imported memory (the
;; wasm backend's heap), not overlapping. Blocks of 4 x 4: four rows of src loaded four values at a
;; time, transposed in registers with shuffles, stored as four rows of dst, in tiles of 64 rows
;; (256 bytes of each dst row written at once: dst rows far apart share cache sets; measured on
;; [65536, 32]: 3.6 ms with tiles of 16 rows, 1.9 with 64, stock 3.8 to 6.2); the rows
;; and columns past the last multiple of 4 one value at a time. Only moves: every value keeps its bits.
(module
  (import "env" "memory" (memory 1))

  ;; the 4 x 4 block at src[r, c]: four rows of src, transposed with shuffles, stored as four rows of dst
  (func $block (param $src i32) (param $dst i32) (param $rows i32) (param $cols i32) (param $r i32) (param $c i32)
    (local $s i32) (local $d i32) (local $cb i32) (local $rb i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local.set $cb (i32.shl (local.get $cols) (i32.const 2)))  ;; bytes per src row
    (local.set $rb (i32.shl (local.get $rows) (i32.const 2)))  ;; bytes per dst row
    ;; s = &src[r, c], d = &dst[c, r]
    (local.set $s (i32.add (local.get $src) (i32.shl (i32.add (i32.mul (local.get $r) (local.get $cols)) (local.get $c)) (i32.const 2))))
    (local.set $d (i32.add (local.get $dst) (i32.shl (i32.add (i32.mul (local.get $c) (local.get $rows)) (local.get $r)) (i32.const 2))))
    (local.set $a0 (v128.load align=4 (local.get $s)))
    (local.set $a1 (v128.load align=4 (i32.add (local.get $s) (local.get $cb))))
    (local.set $a2 (v128.load align=4 (i32.add (local.get $s) (i32.shl (local.get $cb) (i32.const 1)))))
    (local.set $a3 (v128.load align=4 (i32.add (local.get $s) (i32.mul (local.get $cb) (i32.const 3)))))
    ;; t0 = a0.0 a1.0 a0.1 a1.1, t1 = a0.2 a1.2 a0.3 a1.3, t2, t3 alike for a2, a3
    (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a0) (local.get $a1)))
    (local.set $t1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a0) (local.get $a1)))
    (local.set $t2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a2) (local.get $a3)))
    (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a2) (local.get $a3)))
    ;; column j of the block: a0.j a1.j a2.j a3.j -> dst row c + j
    (v128.store align=4 (local.get $d)
      (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t2)))
    (v128.store align=4 (i32.add (local.get $d) (local.get $rb))
      (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t2)))
    (v128.store align=4 (i32.add (local.get $d) (i32.shl (local.get $rb) (i32.const 1)))
      (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t1) (local.get $t3)))
    (v128.store align=4 (i32.add (local.get $d) (i32.mul (local.get $rb) (i32.const 3)))
      (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t1) (local.get $t3))))

  ;; one value: dst[c, r] = src[r, c]
  (func $one (param $src i32) (param $dst i32) (param $rows i32) (param $cols i32) (param $r i32) (param $c i32)
    (i32.store
      (i32.add (local.get $dst) (i32.shl (i32.add (i32.mul (local.get $c) (local.get $rows)) (local.get $r)) (i32.const 2)))
      (i32.load (i32.add (local.get $src) (i32.shl (i32.add (i32.mul (local.get $r) (local.get $cols)) (local.get $c)) (i32.const 2))))))

  ;; rows [r0, r1) (r1 - r0 a multiple of 4, at most 64) of one matrix: for each block of 4
  ;; columns the blocks of these rows in turn, so that a tile fills 256 bytes of each dst row
  ;; before moving on; then the columns past the last multiple of 4
  (func $tile (param $src i32) (param $dst i32) (param $rows i32) (param $cols i32) (param $r0 i32) (param $r1 i32)
    (local $c i32) (local $c4 i32) (local $r i32)
    (local.set $c4 (i32.and (local.get $cols) (i32.const -4)))
    (block $cols4_done
      (loop $cols4
        (br_if $cols4_done (i32.ge_s (local.get $c) (local.get $c4)))
        (local.set $r (local.get $r0))
        (loop $rs
          (call $block (local.get $src) (local.get $dst) (local.get $rows) (local.get $cols) (local.get $r) (local.get $c))
          (local.set $r (i32.add (local.get $r) (i32.const 4)))
          (br_if $rs (i32.lt_s (local.get $r) (local.get $r1))))
        (local.set $c (i32.add (local.get $c) (i32.const 4)))
        (br $cols4)))
    (block $cols_done
      (loop $cols
        (br_if $cols_done (i32.ge_s (local.get $c) (local.get $cols)))
        (local.set $r (local.get $r0))
        (loop $rs1
          (call $one (local.get $src) (local.get $dst) (local.get $rows) (local.get $cols) (local.get $r) (local.get $c))
          (local.set $r (i32.add (local.get $r) (i32.const 1)))
          (br_if $rs1 (i32.lt_s (local.get $r) (local.get $r1))))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $cols))))

  (func $t2d (param $src i32) (param $dst i32) (param $rows i32) (param $cols i32)
    (local $r i32) (local $r4 i32) (local $r16 i32) (local $c i32)
    (local.set $r16 (i32.and (local.get $rows) (i32.const -64)))
    (local.set $r4 (i32.and (local.get $rows) (i32.const -4)))
    ;; tiles of 64 rows, then one of the remaining multiple of 4
    (block $tiles_done
      (loop $tiles
        (br_if $tiles_done (i32.ge_s (local.get $r) (local.get $r16)))
        (call $tile (local.get $src) (local.get $dst) (local.get $rows) (local.get $cols) (local.get $r) (i32.add (local.get $r) (i32.const 64)))
        (local.set $r (i32.add (local.get $r) (i32.const 64)))
        (br $tiles)))
    (if (i32.lt_s (local.get $r) (local.get $r4))
      (then (call $tile (local.get $src) (local.get $dst) (local.get $rows) (local.get $cols) (local.get $r) (local.get $r4))))
    ;; the rows past the last multiple of 4, every column
    (local.set $r (local.get $r4))
    (block $rows_done
      (loop $rest
        (br_if $rows_done (i32.ge_s (local.get $r) (local.get $rows)))
        (local.set $c (i32.const 0))
        (block $row_done
          (loop $row
            (br_if $row_done (i32.ge_s (local.get $c) (local.get $cols)))
            (call $one (local.get $src) (local.get $dst) (local.get $rows) (local.get $cols) (local.get $r) (local.get $c))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $row)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rest))))

  (func (export "transpose") (param $src i32) (param $dst i32) (param $batch i32) (param $rows i32) (param $cols i32)
    (local $b i32) (local $step i32)
    (local.set $step (i32.shl (i32.mul (local.get $rows) (local.get $cols)) (i32.const 2)))
    (block $done
      (loop $each
        (br_if $done (i32.ge_s (local.get $b) (local.get $batch)))
        (call $t2d (local.get $src) (local.get $dst) (local.get $rows) (local.get $cols))
        (local.set $src (i32.add (local.get $src) (local.get $step)))
        (local.set $dst (i32.add (local.get $dst) (local.get $step)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $each))))
)
