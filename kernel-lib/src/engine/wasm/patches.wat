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

  ;; ---- The filter gradient without a patch matrix ("direct", for layers with few filter rows) ----
  ;;
  ;; pad(x, out, n, h, w, ci, hp, wp, pt, pl): out [n, hp, wp, ci] = x [n, h, w, ci] (NHWC) moved
  ;; down pt rows and right pl columns, zeros around it; x's rows and columns past hp - pt and
  ;; wp - pl (never read by the forward pass) are left out. Only copies and zeros.
  (func (export "pad") (param $x i32) (param $out i32) (param $n i32) (param $h i32) (param $w i32)
    (param $ci i32) (param $hp i32) (param $wp i32) (param $pt i32) (param $pl i32)
    (local $b i32) (local $i i32) (local $row i32) (local $rowlen i32) (local $cols i32)
    (local.set $rowlen (i32.mul (local.get $wp) (local.get $ci)))
    (local.set $cols (i32.sub (local.get $wp) (local.get $pl)))
    (if (i32.gt_s (local.get $cols) (local.get $w)) (then (local.set $cols (local.get $w))))
    (if (i32.lt_s (local.get $cols) (i32.const 0)) (then (local.set $cols (i32.const 0))))
    (local.set $b (i32.const 0))
    (block $done
      (loop $images
        (br_if $done (i32.ge_s (local.get $b) (local.get $n)))
        (local.set $i (i32.const 0))
        (block $rdone
          (loop $rows
            (br_if $rdone (i32.ge_s (local.get $i) (local.get $hp)))
            (local.set $row (i32.sub (local.get $i) (local.get $pt)))
            (if (i32.or (i32.lt_s (local.get $row) (i32.const 0)) (i32.ge_s (local.get $row) (local.get $h)))
              (then (call $zero (local.get $out) (local.get $rowlen)))
              (else
                (call $zero (local.get $out) (i32.mul (local.get $pl) (local.get $ci)))
                (call $copy
                  (i32.add (local.get $x) (i32.shl (i32.mul (i32.mul (i32.add (i32.mul (local.get $b) (local.get $h)) (local.get $row))
                    (local.get $w)) (local.get $ci)) (i32.const 2)))
                  (i32.add (local.get $out) (i32.shl (i32.mul (local.get $pl) (local.get $ci)) (i32.const 2)))
                  (i32.mul (local.get $cols) (local.get $ci)))
                (call $zero
                  (i32.add (local.get $out) (i32.shl (i32.mul (i32.add (local.get $pl) (local.get $cols)) (local.get $ci)) (i32.const 2)))
                  (i32.mul (i32.sub (i32.sub (local.get $wp) (local.get $pl)) (local.get $cols)) (local.get $ci)))))
            (local.set $out (i32.add (local.get $out) (i32.shl (local.get $rowlen) (i32.const 2))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $rows)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $images))))

  ;; One tile of dW: 4 filter rows (r, r + o1/4, r + o2/4, r + o3/4: offsets in bytes; a tile
  ;; with fewer rows repeats its last one, and only nr rows are stored) by 8 output channels,
  ;; summed over `rows` output rows of `ow` pixels in order: pixel p reads x at
  ;; x + p·xpix (+ o_i), and the next output row starts xrow bytes further; dy's pixels are
  ;; dypix bytes apart and consecutive. The sums, float32 in pixel order, are added to
  ;; dw[i, 0..8) (rows dwrow bytes apart). Eight accumulators: 4 rows x 2 vectors.
  (func $tile8 (param $x i32) (param $dy i32) (param $dw i32) (param $rows i32) (param $ow i32)
    (param $xpix i32) (param $xrow i32) (param $dypix i32) (param $o1 i32) (param $o2 i32) (param $o3 i32)
    (param $nr i32) (param $dwrow i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $a4 v128) (local $a5 v128) (local $a6 v128) (local $a7 v128)
    (local $d0 v128) (local $d1 v128) (local $s v128) (local $xp i32) (local $end i32) (local $r i32)
    (loop $outrows
      (local.set $xp (local.get $x))
      (local.set $end (i32.add (local.get $x) (i32.mul (local.get $ow) (local.get $xpix))))
      (loop $pixels
        (local.set $d0 (v128.load align=4 (local.get $dy)))
        (local.set $d1 (v128.load offset=16 align=4 (local.get $dy)))
        (local.set $s (v128.load32_splat (local.get $xp)))
        (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $s) (local.get $d0))))
        (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $s) (local.get $d1))))
        (local.set $s (v128.load32_splat (i32.add (local.get $xp) (local.get $o1))))
        (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $s) (local.get $d0))))
        (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $s) (local.get $d1))))
        (local.set $s (v128.load32_splat (i32.add (local.get $xp) (local.get $o2))))
        (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (local.get $s) (local.get $d0))))
        (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (local.get $s) (local.get $d1))))
        (local.set $s (v128.load32_splat (i32.add (local.get $xp) (local.get $o3))))
        (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (local.get $s) (local.get $d0))))
        (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (local.get $s) (local.get $d1))))
        (local.set $dy (i32.add (local.get $dy) (local.get $dypix)))
        (local.set $xp (i32.add (local.get $xp) (local.get $xpix)))
        (br_if $pixels (i32.lt_u (local.get $xp) (local.get $end))))
      (local.set $x (i32.add (local.get $x) (local.get $xrow)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br_if $outrows (i32.lt_s (local.get $r) (local.get $rows))))
    (v128.store align=4 (local.get $dw) (f32x4.add (v128.load align=4 (local.get $dw)) (local.get $a0)))
    (v128.store offset=16 align=4 (local.get $dw) (f32x4.add (v128.load offset=16 align=4 (local.get $dw)) (local.get $a1)))
    (if (i32.le_s (local.get $nr) (i32.const 1)) (then (return)))
    (local.set $dw (i32.add (local.get $dw) (local.get $dwrow)))
    (v128.store align=4 (local.get $dw) (f32x4.add (v128.load align=4 (local.get $dw)) (local.get $a2)))
    (v128.store offset=16 align=4 (local.get $dw) (f32x4.add (v128.load offset=16 align=4 (local.get $dw)) (local.get $a3)))
    (if (i32.le_s (local.get $nr) (i32.const 2)) (then (return)))
    (local.set $dw (i32.add (local.get $dw) (local.get $dwrow)))
    (v128.store align=4 (local.get $dw) (f32x4.add (v128.load align=4 (local.get $dw)) (local.get $a4)))
    (v128.store offset=16 align=4 (local.get $dw) (f32x4.add (v128.load offset=16 align=4 (local.get $dw)) (local.get $a5)))
    (if (i32.le_s (local.get $nr) (i32.const 3)) (then (return)))
    (local.set $dw (i32.add (local.get $dw) (local.get $dwrow)))
    (v128.store align=4 (local.get $dw) (f32x4.add (v128.load align=4 (local.get $dw)) (local.get $a6)))
    (v128.store offset=16 align=4 (local.get $dw) (f32x4.add (v128.load offset=16 align=4 (local.get $dw)) (local.get $a7))))

  ;; $tile8 for the last 4 output channels (co = 8k + 4): one vector per row.
  (func $tile4 (param $x i32) (param $dy i32) (param $dw i32) (param $rows i32) (param $ow i32)
    (param $xpix i32) (param $xrow i32) (param $dypix i32) (param $o1 i32) (param $o2 i32) (param $o3 i32)
    (param $nr i32) (param $dwrow i32)
    (local $a0 v128) (local $a2 v128) (local $a4 v128) (local $a6 v128)
    (local $d0 v128) (local $xp i32) (local $end i32) (local $r i32)
    (loop $outrows
      (local.set $xp (local.get $x))
      (local.set $end (i32.add (local.get $x) (i32.mul (local.get $ow) (local.get $xpix))))
      (loop $pixels
        (local.set $d0 (v128.load align=4 (local.get $dy)))
        (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load32_splat (local.get $xp)) (local.get $d0))))
        (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load32_splat (i32.add (local.get $xp) (local.get $o1))) (local.get $d0))))
        (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (v128.load32_splat (i32.add (local.get $xp) (local.get $o2))) (local.get $d0))))
        (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (v128.load32_splat (i32.add (local.get $xp) (local.get $o3))) (local.get $d0))))
        (local.set $dy (i32.add (local.get $dy) (local.get $dypix)))
        (local.set $xp (i32.add (local.get $xp) (local.get $xpix)))
        (br_if $pixels (i32.lt_u (local.get $xp) (local.get $end))))
      (local.set $x (i32.add (local.get $x) (local.get $xrow)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br_if $outrows (i32.lt_s (local.get $r) (local.get $rows))))
    (v128.store align=4 (local.get $dw) (f32x4.add (v128.load align=4 (local.get $dw)) (local.get $a0)))
    (if (i32.le_s (local.get $nr) (i32.const 1)) (then (return)))
    (local.set $dw (i32.add (local.get $dw) (local.get $dwrow)))
    (v128.store align=4 (local.get $dw) (f32x4.add (v128.load align=4 (local.get $dw)) (local.get $a2)))
    (if (i32.le_s (local.get $nr) (i32.const 2)) (then (return)))
    (local.set $dw (i32.add (local.get $dw) (local.get $dwrow)))
    (v128.store align=4 (local.get $dw) (f32x4.add (v128.load align=4 (local.get $dw)) (local.get $a4)))
    (if (i32.le_s (local.get $nr) (i32.const 3)) (then (return)))
    (local.set $dw (i32.add (local.get $dw) (local.get $dwrow)))
    (v128.store align=4 (local.get $dw) (f32x4.add (v128.load align=4 (local.get $dw)) (local.get $a6))))

  ;; direct(x, dy, dw, n, hp, wp, ci, oh, ow, co, fh, fw, sh, sw, ob, cb, ce): the filter gradient
  ;;   dW[kh, kw, c, o] = Σ_{b, i, j} x[b, i·sh + kh, j·sw + kw, c] · dy[b, i, j, o]
  ;; for the output channels cb <= o < ce, with x already padded ([n, hp, wp, ci], NHWC: out of
  ;; pad above, hp >= (oh - 1)·sh + fh, wp >= (ow - 1)·sw + fw), dy [n, oh, ow, co] and dw
  ;; [fh, fw, ci, co] (those channels overwritten, the others untouched: threads can share a dw);
  ;; cb and ce multiples of 4. For a fixed kh, the fw·ci filter rows r = kw·ci + c read the
  ;; consecutive floats x[b, i·sh + kh, j·sw, r] (any stride): tiles of 4 rows x 8 channels, each
  ;; summed over ob output rows at a time (a block of dy small enough to stay in cache while every
  ;; tile reads it), in pixel order. No patch matrix and no packed copy of dy: the product reads x
  ;; and dy as they are.
  (func (export "direct") (param $x i32) (param $dy i32) (param $dw i32) (param $n i32) (param $hp i32)
    (param $wp i32) (param $ci i32) (param $oh i32) (param $ow i32) (param $co i32) (param $fh i32)
    (param $fw i32) (param $sh i32) (param $sw i32) (param $ob i32) (param $cb i32) (param $ce i32)
    (local $R i32) (local $b i32) (local $i0 i32) (local $rows i32) (local $kh i32) (local $r0 i32)
    (local $nr i32) (local $c0 i32) (local $xc i32) (local $dyc i32) (local $o1 i32) (local $o2 i32)
    (local $o3 i32) (local $xpix i32) (local $xrow i32) (local $dypix i32) (local $dwt i32) (local $co8 i32)
    (local.set $R (i32.mul (local.get $fw) (local.get $ci)))
    (local.set $dypix (i32.shl (local.get $co) (i32.const 2)))
    ;; zero the channels [cb, ce) of every filter row
    (local.set $dwt (i32.add (local.get $dw) (i32.shl (local.get $cb) (i32.const 2))))
    (local.set $r0 (i32.mul (local.get $fh) (local.get $R)))
    (block $zdone
      (loop $zrows
        (br_if $zdone (i32.le_s (local.get $r0) (i32.const 0)))
        (call $zero (local.get $dwt) (i32.sub (local.get $ce) (local.get $cb)))
        (local.set $dwt (i32.add (local.get $dwt) (local.get $dypix)))
        (local.set $r0 (i32.sub (local.get $r0) (i32.const 1)))
        (br $zrows)))
    (if (i32.le_s (local.get $ce) (local.get $cb)) (then (return)))
    (local.set $xpix (i32.shl (i32.mul (local.get $sw) (local.get $ci)) (i32.const 2)))
    (local.set $xrow (i32.shl (i32.mul (i32.mul (local.get $sh) (local.get $wp)) (local.get $ci)) (i32.const 2)))
    ;; the last channel before which whole tiles of 8 fit
    (local.set $co8 (i32.add (local.get $cb) (i32.and (i32.sub (local.get $ce) (local.get $cb)) (i32.const -8))))
    (block $bdone
      (loop $images
        (br_if $bdone (i32.ge_s (local.get $b) (local.get $n)))
        (local.set $i0 (i32.const 0))
        (block $idone
          (loop $blocks
            (br_if $idone (i32.ge_s (local.get $i0) (local.get $oh)))
            (local.set $rows (i32.sub (local.get $oh) (local.get $i0)))
            (if (i32.gt_s (local.get $rows) (local.get $ob)) (then (local.set $rows (local.get $ob))))
            (local.set $dyc (i32.add (local.get $dy) (i32.shl (i32.mul (i32.mul (i32.add (i32.mul (local.get $b) (local.get $oh))
              (local.get $i0)) (local.get $ow)) (local.get $co)) (i32.const 2))))
            (local.set $kh (i32.const 0))
            (loop $taps
              (local.set $xc (i32.add (local.get $x) (i32.shl (i32.mul (i32.mul (i32.add (i32.mul (local.get $b) (local.get $hp))
                (i32.add (i32.mul (local.get $i0) (local.get $sh)) (local.get $kh))) (local.get $wp)) (local.get $ci)) (i32.const 2))))
              (local.set $r0 (i32.const 0))
              (loop $rowtiles
                (local.set $nr (i32.sub (local.get $R) (local.get $r0)))
                (if (i32.gt_s (local.get $nr) (i32.const 4)) (then (local.set $nr (i32.const 4))))
                (local.set $o1 (select (i32.const 4) (i32.const 0) (i32.gt_s (local.get $nr) (i32.const 1))))
                (local.set $o2 (i32.shl (select (i32.const 2) (i32.sub (local.get $nr) (i32.const 1)) (i32.gt_s (local.get $nr) (i32.const 2))) (i32.const 2)))
                (local.set $o3 (i32.shl (i32.sub (local.get $nr) (i32.const 1)) (i32.const 2)))
                (local.set $dwt (i32.add (local.get $dw) (i32.shl (i32.mul (i32.add (i32.mul (local.get $kh) (local.get $R)) (local.get $r0))
                  (local.get $co)) (i32.const 2))))
                (local.set $c0 (local.get $cb))
                (block $cdone
                  (loop $coltiles
                    (br_if $cdone (i32.ge_s (local.get $c0) (local.get $co8)))
                    (call $tile8 (i32.add (local.get $xc) (i32.shl (local.get $r0) (i32.const 2)))
                      (i32.add (local.get $dyc) (i32.shl (local.get $c0) (i32.const 2)))
                      (i32.add (local.get $dwt) (i32.shl (local.get $c0) (i32.const 2)))
                      (local.get $rows) (local.get $ow) (local.get $xpix) (local.get $xrow) (local.get $dypix)
                      (local.get $o1) (local.get $o2) (local.get $o3) (local.get $nr) (local.get $dypix))
                    (local.set $c0 (i32.add (local.get $c0) (i32.const 8)))
                    (br $coltiles)))
                (if (i32.lt_s (local.get $co8) (local.get $ce))
                  (then
                    (call $tile4 (i32.add (local.get $xc) (i32.shl (local.get $r0) (i32.const 2)))
                      (i32.add (local.get $dyc) (i32.shl (local.get $co8) (i32.const 2)))
                      (i32.add (local.get $dwt) (i32.shl (local.get $co8) (i32.const 2)))
                      (local.get $rows) (local.get $ow) (local.get $xpix) (local.get $xrow) (local.get $dypix)
                      (local.get $o1) (local.get $o2) (local.get $o3) (local.get $nr) (local.get $dypix))))
                (local.set $r0 (i32.add (local.get $r0) (i32.const 4)))
                (br_if $rowtiles (i32.lt_s (local.get $r0) (local.get $R))))
              (local.set $kh (i32.add (local.get $kh) (i32.const 1)))
              (br_if $taps (i32.lt_s (local.get $kh) (local.get $fh))))
            (local.set $i0 (i32.add (local.get $i0) (local.get $ob)))
            (br $blocks)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $images))))
)
