;; The patch matrix of a convolution's input, for its filter gradient as one GEMM
;; (./conv2d-backprop-filter.ts). Source of the bytes in ./patches-bytes.ts (scripts/build-wat.sh
;; patches rebuilds them).
;;
;; patches(x, out, ci, n, h, w, oh, ow, fw, sh, sw, pt, pl, r0, r1): x is the input channel-major,
;; [ci, n, h, w] (a transpose of NHWC), out receives rows r0 <= r < r1 of the matrix
;; [fh·fw·ci, n·oh·ow], both float32 byte offsets in the imported memory (the wasm backend's heap).
;; Row r = (kh·fw + kw)·ci + c is
;;   P[r, (b, i, j)] = x[c, b, i·sh + kh - pt, j·sw + kw - pl], 0 outside x (the padding):
;; the input seen by filter tap (kh, kw, c) at every output pixel, so dW[kh, kw, c, :] = row · dy[n·oh·ow, co]. Every output row of an image is three runs:
;; zeros (left padding), x's row shifted by kw - pl, zeros (right padding); with sw = 1 the middle
;; run is a copy, four floats per step, else a gather. With stride 1 and ow = w (padding 'same'),
;; an image's block of a row is one copy and a few zeros ($plane): the lecture CNN's 8x8 layers
;; had 8-float runs. Only copies: the values are x's, exactly.
(module
  (import "env" "memory" (memory 1))

  ;; len float32 zeros at dst, four per step
  (func $zero (param $dst i32) (param $len i32)
    (local $end i32) (local $end4 i32)
    (if (i32.le_s (local.get $len) (i32.const 0)) (then (return)))
    (local.set $end (i32.add (local.get $dst) (i32.shl (local.get $len) (i32.const 2))))
    (local.set $end4 (i32.add (local.get $dst) (i32.shl (i32.and (local.get $len) (i32.const -4)) (i32.const 2))))
    (block $done4
      (loop $four
        (br_if $done4 (i32.ge_u (local.get $dst) (local.get $end4)))
        (v128.store align=4 (local.get $dst) (v128.const i32x4 0 0 0 0))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (br $four)))
    (block $done
      (loop $one
        (br_if $done (i32.ge_u (local.get $dst) (local.get $end)))
        (f32.store (local.get $dst) (f32.const 0))
        (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
        (br $one))))

  ;; One image's block of a row of the matrix when sh = sw = 1 and ow = w: output row i reads x's
  ;; row i + kh - pt shifted by d = kw - pl, and consecutive rows are contiguous on both sides, so
  ;; the rows i0 <= i < i1 that read inside x are one copy, of plane[(i0 + kh - pt)·w + j0 + d] on
  ;; (it starts and ends inside x's plane: j0 = max(0, -d), j1 = min(ow, w - d)); the columns
  ;; outside [j0, j1) that it filled with the neighbouring rows' values are zeroed after, and the
  ;; rows outside [i0, i1) are zeros.
  (func $plane (param $plane i32) (param $dst i32) (param $h i32) (param $w i32) (param $oh i32)
    (param $kh i32) (param $pt i32) (param $d i32) (param $j0 i32) (param $j1 i32)
    (local $i0 i32) (local $i1 i32) (local $i i32)
    (local.set $i0 (i32.sub (local.get $pt) (local.get $kh)))
    (if (i32.lt_s (local.get $i0) (i32.const 0)) (then (local.set $i0 (i32.const 0))))
    (if (i32.gt_s (local.get $i0) (local.get $oh)) (then (local.set $i0 (local.get $oh))))
    (local.set $i1 (i32.sub (i32.add (local.get $h) (local.get $pt)) (local.get $kh)))
    (if (i32.gt_s (local.get $i1) (local.get $oh)) (then (local.set $i1 (local.get $oh))))
    ;; no row, or no column, inside x: all zeros
    (if (i32.or (i32.le_s (local.get $i1) (local.get $i0)) (i32.le_s (local.get $j1) (local.get $j0)))
      (then
        (call $zero (local.get $dst) (i32.mul (local.get $oh) (local.get $w)))
        (return)))
    (call $zero (local.get $dst) (i32.mul (local.get $i0) (local.get $w)))
    (call $copy
      (i32.add (local.get $plane) (i32.shl
        (i32.add (i32.mul (i32.sub (i32.add (local.get $i0) (local.get $kh)) (local.get $pt)) (local.get $w))
          (i32.add (local.get $j0) (local.get $d)))
        (i32.const 2)))
      (i32.add (local.get $dst) (i32.shl (i32.add (i32.mul (local.get $i0) (local.get $w)) (local.get $j0)) (i32.const 2)))
      (i32.add (i32.mul (i32.sub (i32.sub (local.get $i1) (local.get $i0)) (i32.const 1)) (local.get $w))
        (i32.sub (local.get $j1) (local.get $j0))))
    (local.set $i (local.get $i0))
    (loop $cols
      (call $zero (i32.add (local.get $dst) (i32.shl (i32.mul (local.get $i) (local.get $w)) (i32.const 2))) (local.get $j0))
      (call $zero (i32.add (local.get $dst) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $w)) (local.get $j1)) (i32.const 2)))
        (i32.sub (local.get $w) (local.get $j1)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $cols (i32.lt_s (local.get $i) (local.get $i1))))
    (call $zero (i32.add (local.get $dst) (i32.shl (i32.mul (local.get $i1) (local.get $w)) (i32.const 2)))
      (i32.mul (i32.sub (local.get $oh) (local.get $i1)) (local.get $w))))

  ;; len float32s from src to dst (no overlap), four per step
  (func $copy (param $src i32) (param $dst i32) (param $len i32)
    (local $end i32) (local $end4 i32)
    (local.set $end (i32.add (local.get $dst) (i32.shl (local.get $len) (i32.const 2))))
    (local.set $end4 (i32.add (local.get $dst) (i32.shl (i32.and (local.get $len) (i32.const -4)) (i32.const 2))))
    (block $done4
      (loop $four
        (br_if $done4 (i32.ge_u (local.get $dst) (local.get $end4)))
        (v128.store align=4 (local.get $dst) (v128.load align=4 (local.get $src)))
        (local.set $src (i32.add (local.get $src) (i32.const 16)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (br $four)))
    (block $done
      (loop $one
        (br_if $done (i32.ge_u (local.get $dst) (local.get $end)))
        (f32.store (local.get $dst) (f32.load (local.get $src)))
        (local.set $src (i32.add (local.get $src) (i32.const 4)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
        (br $one))))

  (func (export "patches")
    (param $x i32) (param $out i32) (param $ci i32) (param $n i32) (param $h i32) (param $w i32)
    (param $oh i32) (param $ow i32) (param $fw i32) (param $sh i32) (param $sw i32)
    (param $pt i32) (param $pl i32) (param $r0 i32) (param $r1 i32)
    (local $r i32) (local $kh i32) (local $kw i32) (local $c i32) (local $b i32) (local $i i32) (local $j i32)
    (local $row i32) (local $dst i32) (local $src i32) (local $j0 i32) (local $j1 i32) (local $last i32)
    (local.set $dst (local.get $out))
    (local.set $r (local.get $r0))
    (block $rows_done
      (loop $rows
        (br_if $rows_done (i32.ge_s (local.get $r) (local.get $r1)))
        ;; row r of the matrix is filter tap (kh, kw, c): r = (kh·fw + kw)·ci + c
        (local.set $c (i32.rem_s (local.get $r) (local.get $ci)))
        (local.set $kw (i32.rem_s (i32.div_s (local.get $r) (local.get $ci)) (local.get $fw)))
        (local.set $kh (i32.div_s (local.get $r) (i32.mul (local.get $ci) (local.get $fw))))
        ;; the output columns j that read inside x: j0 <= j < j1 (col = j·sw + kw - pl in [0, w))
        (local.set $j0 (i32.const 0))
        (if (i32.lt_s (local.get $kw) (local.get $pl))
          (then (local.set $j0 (i32.div_s
            (i32.sub (i32.add (i32.sub (local.get $pl) (local.get $kw)) (local.get $sw)) (i32.const 1))
            (local.get $sw)))))
        (local.set $last (i32.sub (i32.add (i32.sub (local.get $w) (i32.const 1)) (local.get $pl)) (local.get $kw)))
        (local.set $j1 (i32.const 0))
        (if (i32.ge_s (local.get $last) (i32.const 0))
          (then (local.set $j1 (i32.add (i32.div_s (local.get $last) (local.get $sw)) (i32.const 1)))))
        (if (i32.gt_s (local.get $j1) (local.get $ow)) (then (local.set $j1 (local.get $ow))))
        (if (i32.gt_s (local.get $j0) (local.get $ow)) (then (local.set $j0 (local.get $ow))))
        (if (i32.lt_s (local.get $j1) (local.get $j0)) (then (local.set $j1 (local.get $j0))))
        (local.set $b (i32.const 0))
        (if (i32.and (i32.and (i32.eq (local.get $sh) (i32.const 1)) (i32.eq (local.get $sw) (i32.const 1))) (i32.eq (local.get $ow) (local.get $w)))
          (then
            ;; stride 1 and as many output columns as input columns: a copy per image ($plane)
            (loop $planes
              (call $plane
                (i32.add (local.get $x) (i32.shl (i32.mul (i32.mul (i32.add (i32.mul (local.get $c) (local.get $n)) (local.get $b)) (local.get $h)) (local.get $w)) (i32.const 2)))
                (local.get $dst) (local.get $h) (local.get $w) (local.get $oh) (local.get $kh) (local.get $pt)
                (i32.sub (local.get $kw) (local.get $pl)) (local.get $j0) (local.get $j1))
              (local.set $dst (i32.add (local.get $dst) (i32.shl (i32.mul (local.get $oh) (local.get $ow)) (i32.const 2))))
              (local.set $b (i32.add (local.get $b) (i32.const 1)))
              (br_if $planes (i32.lt_s (local.get $b) (local.get $n))))
            (local.set $r (i32.add (local.get $r) (i32.const 1)))
            (br $rows)))
        (loop $bs
          (local.set $i (i32.const 0))
          (loop $is
            (local.set $row (i32.sub (i32.add (i32.mul (local.get $i) (local.get $sh)) (local.get $kh)) (local.get $pt)))
            (if (i32.or (i32.lt_s (local.get $row) (i32.const 0)) (i32.ge_s (local.get $row) (local.get $h)))
              (then (call $zero (local.get $dst) (local.get $ow)))
              (else
                ;; x[c, b, row, 0]
                (local.set $src (i32.add (local.get $x) (i32.shl
                  (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $c) (local.get $n)) (local.get $b)) (local.get $h)) (local.get $row)) (local.get $w))
                  (i32.const 2))))
                (call $zero (local.get $dst) (local.get $j0))
                (if (i32.eq (local.get $sw) (i32.const 1))
                  (then
                    (call $copy
                      (i32.add (local.get $src) (i32.shl (i32.sub (i32.add (local.get $j0) (local.get $kw)) (local.get $pl)) (i32.const 2)))
                      (i32.add (local.get $dst) (i32.shl (local.get $j0) (i32.const 2)))
                      (i32.sub (local.get $j1) (local.get $j0))))
                  (else
                    (local.set $j (local.get $j0))
                    (block $gathered
                      (loop $gather
                        (br_if $gathered (i32.ge_s (local.get $j) (local.get $j1)))
                        (f32.store (i32.add (local.get $dst) (i32.shl (local.get $j) (i32.const 2)))
                          (f32.load (i32.add (local.get $src) (i32.shl
                            (i32.sub (i32.add (i32.mul (local.get $j) (local.get $sw)) (local.get $kw)) (local.get $pl))
                            (i32.const 2)))))
                        (local.set $j (i32.add (local.get $j) (i32.const 1)))
                        (br $gather)))))
                (call $zero (i32.add (local.get $dst) (i32.shl (local.get $j1) (i32.const 2))) (i32.sub (local.get $ow) (local.get $j1)))))
            (local.set $dst (i32.add (local.get $dst) (i32.shl (local.get $ow) (i32.const 2))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br_if $is (i32.lt_s (local.get $i) (local.get $oh))))
          (local.set $b (i32.add (local.get $b) (i32.const 1)))
          (br_if $bs (i32.lt_s (local.get $b) (local.get $n))))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rows))))
)
