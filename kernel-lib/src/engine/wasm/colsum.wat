;; Column sums of a float32 matrix in float64, in exactly the order of ./reduce.ts's columnSums (and
;; so with its bits): for each block of four rows, acc[c] += (x0[c] + x1[c]) + (x2[c] + x3[c]); then
;; the remaining rows one by one, acc[c] += x[c]. Two columns per step (f64x2). Source of the bytes
;; in ./colsum-bytes.ts (scripts/build-wat.sh colsum rebuilds them); ./reduce.ts calls it.
;;
;; colsum(x, acc, rows, cols): x is [rows, cols] float32, acc [cols] float64 (all zero on entry,
;; 8-byte aligned), byte offsets in the imported memory (the wasm backend's heap).
(module
  (import "env" "memory" (memory 1))

  (func (export "colsum") (param $x i32) (param $acc i32) (param $rows i32) (param $cols i32)
    (local $m i32) (local $c i32) (local $pairs i32) (local $stride i32) (local $row i32) (local $a i32) (local $p i32)
    (local.set $pairs (i32.and (local.get $cols) (i32.const -2)))
    (local.set $stride (i32.shl (local.get $cols) (i32.const 2)))
    ;; four rows at a time
    (block $blocks_done
      (loop $block
        (br_if $blocks_done (i32.gt_u (i32.add (local.get $m) (i32.const 4)) (local.get $rows)))
        (local.set $row (i32.add (local.get $x) (i32.mul (local.get $m) (local.get $stride))))
        (local.set $c (i32.const 0))
        (block $pairs_done
          (loop $pair
            (br_if $pairs_done (i32.ge_u (local.get $c) (local.get $pairs)))
            (local.set $p (i32.add (local.get $row) (i32.shl (local.get $c) (i32.const 2))))
            (local.set $a (i32.add (local.get $acc) (i32.shl (local.get $c) (i32.const 3))))
            (v128.store align=8 (local.get $a) (f64x2.add (v128.load align=8 (local.get $a))
              (f64x2.add
                (f64x2.add
                  (f64x2.promote_low_f32x4 (v128.load64_zero align=4 (local.get $p)))
                  (f64x2.promote_low_f32x4 (v128.load64_zero align=4 (i32.add (local.get $p) (local.get $stride)))))
                (f64x2.add
                  (f64x2.promote_low_f32x4 (v128.load64_zero align=4 (i32.add (local.get $p) (i32.shl (local.get $stride) (i32.const 1)))))
                  (f64x2.promote_low_f32x4 (v128.load64_zero align=4 (i32.add (local.get $p) (i32.mul (local.get $stride) (i32.const 3)))))))))
            (local.set $c (i32.add (local.get $c) (i32.const 2)))
            (br $pair)))
        (if (i32.lt_u (local.get $c) (local.get $cols))
          (then
            (local.set $p (i32.add (local.get $row) (i32.shl (local.get $c) (i32.const 2))))
            (local.set $a (i32.add (local.get $acc) (i32.shl (local.get $c) (i32.const 3))))
            (f64.store (local.get $a) (f64.add (f64.load (local.get $a))
              (f64.add
                (f64.add
                  (f64.promote_f32 (f32.load (local.get $p)))
                  (f64.promote_f32 (f32.load (i32.add (local.get $p) (local.get $stride)))))
                (f64.add
                  (f64.promote_f32 (f32.load (i32.add (local.get $p) (i32.shl (local.get $stride) (i32.const 1)))))
                  (f64.promote_f32 (f32.load (i32.add (local.get $p) (i32.mul (local.get $stride) (i32.const 3)))))))))))
        (local.set $m (i32.add (local.get $m) (i32.const 4)))
        (br $block)))
    ;; the remaining rows one by one
    (block $rest_done
      (loop $rest
        (br_if $rest_done (i32.ge_u (local.get $m) (local.get $rows)))
        (local.set $row (i32.add (local.get $x) (i32.mul (local.get $m) (local.get $stride))))
        (local.set $c (i32.const 0))
        (block $cols_done
          (loop $col
            (br_if $cols_done (i32.ge_u (local.get $c) (local.get $cols)))
            (local.set $a (i32.add (local.get $acc) (i32.shl (local.get $c) (i32.const 3))))
            (f64.store (local.get $a) (f64.add (f64.load (local.get $a))
              (f64.promote_f32 (f32.load (i32.add (local.get $row) (i32.shl (local.get $c) (i32.const 2)))))))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $col)))
        (local.set $m (i32.add (local.get $m) (i32.const 1)))
        (br $rest)))))
