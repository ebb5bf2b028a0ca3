;; Batch norm's forward transform, bit for bit what tfjs's cpu backend computes (its FusedBatchNorm
;; kernel: JavaScript numbers, one float32 rounding at the end):
;;   out = offset + ((x - mean) · scale) / sqrt(variance + epsilon)
;; every operation in float64, in that order, two values per step (f64x2). Source of the bytes in
;; ./batchnorm-bytes.ts (scripts/build-wat.sh batchnorm rebuilds them); ./batchnorm.ts calls it.
;;
;; bn(x, out, k, rows, c): x and out are [rows, c] float32 (byte offsets in the imported memory,
;; the wasm backend's heap); k is the byte offset of four float64 arrays of c values, one after the
;; other: mean, scale, den = sqrt(variance + epsilon) (computed once per channel in JavaScript,
;; Math.sqrt being correctly rounded like f64.sqrt) and offset.
(module
  (import "env" "memory" (memory 1))

  (func (export "bn") (param $x i32) (param $out i32) (param $k i32) (param $rows i32) (param $c i32)
    (local $row i32) (local $j i32) (local $pairs i32) (local $src i32) (local $dst i32)
    (local $m i32) (local $s i32) (local $d i32) (local $o i32) (local $v v128)
    ;; the four parameter arrays
    (local.set $m (local.get $k))
    (local.set $s (i32.add (local.get $m) (i32.shl (local.get $c) (i32.const 3))))
    (local.set $d (i32.add (local.get $s) (i32.shl (local.get $c) (i32.const 3))))
    (local.set $o (i32.add (local.get $d) (i32.shl (local.get $c) (i32.const 3))))
    (local.set $pairs (i32.and (local.get $c) (i32.const -2)))
    (local.set $src (local.get $x))
    (local.set $dst (local.get $out))
    (block $rows_done
      (loop $rows
        (br_if $rows_done (i32.ge_u (local.get $row) (local.get $rows)))
        (local.set $j (i32.const 0))
        (block $pairs_done
          (loop $pair
            (br_if $pairs_done (i32.ge_u (local.get $j) (local.get $pairs)))
            (local.set $v (f64x2.add
              (v128.load align=8 (i32.add (local.get $o) (i32.shl (local.get $j) (i32.const 3))))
              (f64x2.div
                (f64x2.mul
                  (f64x2.sub
                    (f64x2.promote_low_f32x4 (v128.load64_zero align=4 (i32.add (local.get $src) (i32.shl (local.get $j) (i32.const 2)))))
                    (v128.load align=8 (i32.add (local.get $m) (i32.shl (local.get $j) (i32.const 3)))))
                  (v128.load align=8 (i32.add (local.get $s) (i32.shl (local.get $j) (i32.const 3)))))
                (v128.load align=8 (i32.add (local.get $d) (i32.shl (local.get $j) (i32.const 3)))))))
            (v128.store64_lane align=4 0 (i32.add (local.get $dst) (i32.shl (local.get $j) (i32.const 2)))
              (f32x4.demote_f64x2_zero (local.get $v)))
            (local.set $j (i32.add (local.get $j) (i32.const 2)))
            (br $pair)))
        ;; an odd last channel: the same operations on one value
        (if (i32.lt_u (local.get $j) (local.get $c))
          (then
            (f32.store (i32.add (local.get $dst) (i32.shl (local.get $j) (i32.const 2)))
              (f32.demote_f64 (f64.add
                (f64.load (i32.add (local.get $o) (i32.shl (local.get $j) (i32.const 3))))
                (f64.div
                  (f64.mul
                    (f64.sub
                      (f64.promote_f32 (f32.load (i32.add (local.get $src) (i32.shl (local.get $j) (i32.const 2)))))
                      (f64.load (i32.add (local.get $m) (i32.shl (local.get $j) (i32.const 3)))))
                    (f64.load (i32.add (local.get $s) (i32.shl (local.get $j) (i32.const 3)))))
                  (f64.load (i32.add (local.get $d) (i32.shl (local.get $j) (i32.const 3))))))))))
        (local.set $src (i32.add (local.get $src) (i32.shl (local.get $c) (i32.const 2))))
        (local.set $dst (i32.add (local.get $dst) (i32.shl (local.get $c) (i32.const 2))))
        (local.set $row (i32.add (local.get $row) (i32.const 1)))
        (br $rows))))
)
