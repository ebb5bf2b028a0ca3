;; The gradient of max pooling with windows that do not overlap (stride >= filter in both
;; directions: the lecture CNN's 2x2 pools), four channels per step; ./max-pool-grad.ts calls it and
;; keeps its JavaScript loop for overlapping windows. Source of the bytes in ./maxpoolgrad-bytes.ts
;; (scripts/build-wat.sh maxpoolgrad rebuilds them).
;;
;; route(x, dy, dx, n, h, w, c, oh, ow, sh, sw, fh, fw, top, left): x and dx are NHWC [n, h, w, c],
;; dy [n, oh, ow, c], float32 byte offsets in the imported memory (the wasm backend's heap); dx must
;; be all +0 on entry. Each window (rows i·sh - top + [0, fh), columns j·sw - left + [0, fw), clipped
;; to x) sends 0 + dy to the first position, in row-major order, whose value is strictly above the
;; running maximum started at -Inf (so NaN and -Inf never win, and a window of them sends nothing),
;; exactly as tfjs's cpu backend does; every other position of the window keeps +0.
(module
  (import "env" "memory" (memory 1))

  (func (export "route")
    (param $x i32) (param $dy i32) (param $dx i32) (param $n i32) (param $h i32) (param $w i32)
    (param $c i32) (param $oh i32) (param $ow i32) (param $sh i32) (param $sw i32) (param $fh i32)
    (param $fw i32) (param $top i32) (param $left i32)
    (local $b i32) (local $i i32) (local $j i32) (local $ch i32) (local $c4 i32)
    (local $r i32) (local $col i32) (local $rFrom i32) (local $rTo i32) (local $cFrom i32) (local $cTo i32)
    (local $k i32) (local $at i32) (local $dyAt i32) (local $pos i32)
    (local $best v128) (local $idx v128) (local $v v128) (local $gt v128) (local $g v128)
    (local $bs f32) (local $is i32) (local $vs f32) (local $gs f32)
    (local.set $c4 (i32.and (local.get $c) (i32.const -4)))
    (local.set $b (i32.const 0))
    (loop $batch
      (local.set $i (i32.const 0))
      (loop $rows
        (local.set $rFrom (i32.sub (i32.mul (local.get $i) (local.get $sh)) (local.get $top)))
        (local.set $rTo (i32.add (local.get $rFrom) (local.get $fh)))
        (if (i32.lt_s (local.get $rFrom) (i32.const 0)) (then (local.set $rFrom (i32.const 0))))
        (if (i32.gt_s (local.get $rTo) (local.get $h)) (then (local.set $rTo (local.get $h))))
        (local.set $j (i32.const 0))
        (loop $cols
          (local.set $cFrom (i32.sub (i32.mul (local.get $j) (local.get $sw)) (local.get $left)))
          (local.set $cTo (i32.add (local.get $cFrom) (local.get $fw)))
          (if (i32.lt_s (local.get $cFrom) (i32.const 0)) (then (local.set $cFrom (i32.const 0))))
          (if (i32.gt_s (local.get $cTo) (local.get $w)) (then (local.set $cTo (local.get $w))))
          ;; dy[b, i, j, 0]
          (local.set $dyAt (i32.add (local.get $dy) (i32.shl
            (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $b) (local.get $oh)) (local.get $i)) (local.get $ow)) (local.get $j)) (local.get $c))
            (i32.const 2))))
          ;; four channels at a time
          (local.set $ch (i32.const 0))
          (block $quads_done
            (loop $quad
              (br_if $quads_done (i32.ge_s (local.get $ch) (local.get $c4)))
              (local.set $best (f32x4.splat (f32.const -inf)))
              (local.set $idx (i32x4.splat (i32.const -1)))
              (local.set $k (i32.const 0))
              (local.set $r (local.get $rFrom))
              (block $max_done
                (loop $max_r
                  (br_if $max_done (i32.ge_s (local.get $r) (local.get $rTo)))
                  (local.set $col (local.get $cFrom))
                  (local.set $pos (call $index (local.get $b) (local.get $r) (local.get $cFrom) (local.get $ch) (local.get $h) (local.get $w) (local.get $c)))
                  (block $max_row_done
                    (loop $max_c
                      (br_if $max_row_done (i32.ge_s (local.get $col) (local.get $cTo)))
                      (local.set $v (v128.load align=4 (i32.add (local.get $x) (i32.shl (local.get $pos) (i32.const 2)))))
                      (local.set $pos (i32.add (local.get $pos) (local.get $c)))
                      (local.set $gt (f32x4.gt (local.get $v) (local.get $best)))
                      (local.set $best (v128.bitselect (local.get $v) (local.get $best) (local.get $gt)))
                      (local.set $idx (v128.bitselect (i32x4.splat (local.get $k)) (local.get $idx) (local.get $gt)))
                      (local.set $k (i32.add (local.get $k) (i32.const 1)))
                      (local.set $col (i32.add (local.get $col) (i32.const 1)))
                      (br $max_c)))
                  (local.set $r (i32.add (local.get $r) (i32.const 1)))
                  (br $max_r)))
              ;; 0 + dy (as cpu's sum starts at +0: -0 becomes +0) to the winner, +0 elsewhere
              (local.set $g (f32x4.add (f32x4.splat (f32.const 0))
                (v128.load align=4 (i32.add (local.get $dyAt) (i32.shl (local.get $ch) (i32.const 2))))))
              (local.set $k (i32.const 0))
              (local.set $r (local.get $rFrom))
              (block $put_done
                (loop $put_r
                  (br_if $put_done (i32.ge_s (local.get $r) (local.get $rTo)))
                  (local.set $col (local.get $cFrom))
                  (local.set $pos (call $index (local.get $b) (local.get $r) (local.get $cFrom) (local.get $ch) (local.get $h) (local.get $w) (local.get $c)))
                  (block $put_row_done
                    (loop $put_c
                      (br_if $put_row_done (i32.ge_s (local.get $col) (local.get $cTo)))
                      (v128.store align=4 (i32.add (local.get $dx) (i32.shl (local.get $pos) (i32.const 2)))
                        (v128.and (local.get $g) (i32x4.eq (local.get $idx) (i32x4.splat (local.get $k)))))
                      (local.set $pos (i32.add (local.get $pos) (local.get $c)))
                      (local.set $k (i32.add (local.get $k) (i32.const 1)))
                      (local.set $col (i32.add (local.get $col) (i32.const 1)))
                      (br $put_c)))
                  (local.set $r (i32.add (local.get $r) (i32.const 1)))
                  (br $put_r)))
              (local.set $ch (i32.add (local.get $ch) (i32.const 4)))
              (br $quad)))
          ;; the last c mod 4 channels one by one: the same rule
          (block $singles_done
            (loop $single
              (br_if $singles_done (i32.ge_s (local.get $ch) (local.get $c)))
              (local.set $bs (f32.const -inf))
              (local.set $at (i32.const -1))
              (local.set $r (local.get $rFrom))
              (block $smax_done
                (loop $smax_r
                  (br_if $smax_done (i32.ge_s (local.get $r) (local.get $rTo)))
                  (local.set $col (local.get $cFrom))
                  (block $smax_row_done
                    (loop $smax_c
                      (br_if $smax_row_done (i32.ge_s (local.get $col) (local.get $cTo)))
                      (local.set $is (i32.add (local.get $x) (i32.shl (call $index (local.get $b) (local.get $r) (local.get $col) (local.get $ch) (local.get $h) (local.get $w) (local.get $c)) (i32.const 2))))
                      (local.set $vs (f32.load (local.get $is)))
                      (if (f32.gt (local.get $vs) (local.get $bs))
                        (then
                          (local.set $bs (local.get $vs))
                          (local.set $at (i32.sub (local.get $is) (local.get $x)))))
                      (local.set $col (i32.add (local.get $col) (i32.const 1)))
                      (br $smax_c)))
                  (local.set $r (i32.add (local.get $r) (i32.const 1)))
                  (br $smax_r)))
              (if (i32.ge_s (local.get $at) (i32.const 0))
                (then
                  (local.set $gs (f32.add (f32.const 0) (f32.load (i32.add (local.get $dyAt) (i32.shl (local.get $ch) (i32.const 2))))))
                  (f32.store (i32.add (local.get $dx) (local.get $at)) (local.get $gs))))
              (local.set $ch (i32.add (local.get $ch) (i32.const 1)))
              (br $single)))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br_if $cols (i32.lt_s (local.get $j) (local.get $ow))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $rows (i32.lt_s (local.get $i) (local.get $oh))))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br_if $batch (i32.lt_s (local.get $b) (local.get $n)))))

  ;; element index of [b, r, col, ch] in an NHWC array [., h, w, c]
  (func $index (param $b i32) (param $r i32) (param $col i32) (param $ch i32) (param $h i32) (param $w i32) (param $c i32) (result i32)
    (i32.add (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $b) (local.get $h)) (local.get $r)) (local.get $w)) (local.get $col)) (local.get $c)) (local.get $ch)))
)
