;; tanh over float32, exactly as tfjs's cpu backend computes it: Math.fround(Math.tanh(x)).
;; Source of the bytes in ./tanh-bytes.ts (scripts/build-wat.sh tanh rebuilds them); the two halves
;; of a step (suffixes 0 and 1) are the same code. Exported tanh64 is for the exactness check only.
;;
;; tanh(x, y, n): y[i] = tanh(x[i]) for i < n; x and y are byte offsets of float32 arrays in the
;; imported memory (the wasm backend's heap). Four floats per step, as two f64x2 vectors:
;;   a  = min(|x|, 10)                     (tanh(10) rounds to 1 in float32; ±Inf -> ±1; NaN stays NaN)
;;   t  = 2a = k ln2 + r, k = round(t / ln2), |r| <= ln2 / 2   (Cody-Waite: ln2 = LN2HI + LN2LO)
;;   p  = expm1(r), Taylor to r^12 (truncation < 6e-16 relative)
;;   p  = expm1(t) = 2^k p + (2^k - 1)     (no cancellation: k >= 0)
;;   y  = p / (p + 2) = tanh(a); rounded to float32, with x's sign (so -0 -> -0)
;; Exactness: rounding y to float32 gives Math.fround(Math.tanh(x)) unless y lies within K float64
;; ulps of a float32 rounding midpoint (the low 29 bits of its significand within K of
;; 0x10000000); a step with such a lane is recomputed with the imported Math.tanh, as is the
;; last n mod 4. K = 4096 is far above the largest |y - Math.tanh(|x|)|, in ulps of y, over every
;; float32 x in [0, 10] (7 ulps, measured exhaustively: `npm run bench:tanh -w nnlab -- --exhaustive`), so
;; elsewhere both round the same way.
(module
  (import "env" "memory" (memory 1))
  (import "env" "tanh" (func $tanh (param f64) (result f64)))

  ;; y[i] = fround(Math.tanh(x[i])) for from <= i < to
  (func $exact (param $x i32) (param $y i32) (param $from i32) (param $to i32)
    (block $done
      (loop $step
        (br_if $done (i32.ge_u (local.get $from) (local.get $to)))
        (f32.store (i32.add (local.get $y) (i32.shl (local.get $from) (i32.const 2)))
          (f32.demote_f64 (call $tanh (f64.promote_f32
            (f32.load (i32.add (local.get $x) (i32.shl (local.get $from) (i32.const 2))))))))
        (local.set $from (i32.add (local.get $from) (i32.const 1)))
        (br $step))))

  ;; y[i] = tanh(x[i]) for i < n; returns how many elements were recomputed with Math.tanh
  (func (export "tanh") (param $x i32) (param $y i32) (param $n i32) (result i32)
    (local $i i32) (local $end i32) (local $slow i32) (local $xv v128) (local $j i32)
    (local $xd0 v128) (local $yd0 v128) (local $a0 v128) (local $t0 v128) (local $kd0 v128) (local $kf0 v128) (local $r0 v128) (local $p0 v128) (local $s0 v128) (local $xd1 v128) (local $yd1 v128) (local $a1 v128) (local $t1 v128) (local $kd1 v128) (local $kf1 v128) (local $r1 v128) (local $p1 v128) (local $s1 v128)
    (local.set $end (i32.and (local.get $n) (i32.const -4)))
    (block $done
      (loop $step
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        ;; four floats: x[i], x[i+1] in lanes of xd0, x[i+2], x[i+3] in xd1
        (local.set $xv (v128.load (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $xd0 (f64x2.promote_low_f32x4 (local.get $xv)))
        (local.set $xd1 (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $xv) (local.get $xv))))
    (local.set $a0 (f64x2.min (f64x2.abs (local.get $xd0)) (v128.const f64x2 10 10)))
    (local.set $t0 (f64x2.add (local.get $a0) (local.get $a0)))
    (local.set $kd0 (f64x2.add (f64x2.mul (local.get $t0) (v128.const f64x2 0x1.71547652b82fep+0 0x1.71547652b82fep+0)) (v128.const f64x2 0x1.8p52 0x1.8p52)))
    (local.set $kf0 (f64x2.sub (local.get $kd0) (v128.const f64x2 0x1.8p52 0x1.8p52)))
    (local.set $r0 (f64x2.sub (f64x2.sub (local.get $t0) (f64x2.mul (local.get $kf0) (v128.const f64x2 0x1.62e42feep-1 0x1.62e42feep-1))) (f64x2.mul (local.get $kf0) (v128.const f64x2 0x1.a39ef35793c76p-33 0x1.a39ef35793c76p-33))))
    (local.set $p0 (v128.const f64x2 0x1.1eed8eff8d898p-29 0x1.1eed8eff8d898p-29))
    (local.set $p0 (f64x2.add (f64x2.mul (local.get $p0) (local.get $r0)) (v128.const f64x2 0x1.ae64567f544e4p-26 0x1.ae64567f544e4p-26)))
    (local.set $p0 (f64x2.add (f64x2.mul (local.get $p0) (local.get $r0)) (v128.const f64x2 0x1.27e4fb7789f5cp-22 0x1.27e4fb7789f5cp-22)))
    (local.set $p0 (f64x2.add (f64x2.mul (local.get $p0) (local.get $r0)) (v128.const f64x2 0x1.71de3a556c734p-19 0x1.71de3a556c734p-19)))
    (local.set $p0 (f64x2.add (f64x2.mul (local.get $p0) (local.get $r0)) (v128.const f64x2 0x1.a01a01a01a01ap-16 0x1.a01a01a01a01ap-16)))
    (local.set $p0 (f64x2.add (f64x2.mul (local.get $p0) (local.get $r0)) (v128.const f64x2 0x1.a01a01a01a01ap-13 0x1.a01a01a01a01ap-13)))
    (local.set $p0 (f64x2.add (f64x2.mul (local.get $p0) (local.get $r0)) (v128.const f64x2 0x1.6c16c16c16c17p-10 0x1.6c16c16c16c17p-10)))
    (local.set $p0 (f64x2.add (f64x2.mul (local.get $p0) (local.get $r0)) (v128.const f64x2 0x1.1111111111111p-7 0x1.1111111111111p-7)))
    (local.set $p0 (f64x2.add (f64x2.mul (local.get $p0) (local.get $r0)) (v128.const f64x2 0x1.5555555555555p-5 0x1.5555555555555p-5)))
    (local.set $p0 (f64x2.add (f64x2.mul (local.get $p0) (local.get $r0)) (v128.const f64x2 0x1.5555555555555p-3 0x1.5555555555555p-3)))
    (local.set $p0 (f64x2.add (f64x2.mul (local.get $p0) (local.get $r0)) (v128.const f64x2 0.5 0.5)))
    (local.set $p0 (f64x2.add (local.get $r0) (f64x2.mul (f64x2.mul (local.get $r0) (local.get $r0)) (local.get $p0))))
    (local.set $s0 (i64x2.shl (i64x2.add (local.get $kd0) (v128.const i64x2 1023 1023)) (i32.const 52)))
    (local.set $p0 (f64x2.add (f64x2.mul (local.get $s0) (local.get $p0)) (f64x2.sub (local.get $s0) (v128.const f64x2 1 1))))
    (local.set $yd0 (f64x2.div (local.get $p0) (f64x2.add (local.get $p0) (v128.const f64x2 2 2))))
    (local.set $a1 (f64x2.min (f64x2.abs (local.get $xd1)) (v128.const f64x2 10 10)))
    (local.set $t1 (f64x2.add (local.get $a1) (local.get $a1)))
    (local.set $kd1 (f64x2.add (f64x2.mul (local.get $t1) (v128.const f64x2 0x1.71547652b82fep+0 0x1.71547652b82fep+0)) (v128.const f64x2 0x1.8p52 0x1.8p52)))
    (local.set $kf1 (f64x2.sub (local.get $kd1) (v128.const f64x2 0x1.8p52 0x1.8p52)))
    (local.set $r1 (f64x2.sub (f64x2.sub (local.get $t1) (f64x2.mul (local.get $kf1) (v128.const f64x2 0x1.62e42feep-1 0x1.62e42feep-1))) (f64x2.mul (local.get $kf1) (v128.const f64x2 0x1.a39ef35793c76p-33 0x1.a39ef35793c76p-33))))
    (local.set $p1 (v128.const f64x2 0x1.1eed8eff8d898p-29 0x1.1eed8eff8d898p-29))
    (local.set $p1 (f64x2.add (f64x2.mul (local.get $p1) (local.get $r1)) (v128.const f64x2 0x1.ae64567f544e4p-26 0x1.ae64567f544e4p-26)))
    (local.set $p1 (f64x2.add (f64x2.mul (local.get $p1) (local.get $r1)) (v128.const f64x2 0x1.27e4fb7789f5cp-22 0x1.27e4fb7789f5cp-22)))
    (local.set $p1 (f64x2.add (f64x2.mul (local.get $p1) (local.get $r1)) (v128.const f64x2 0x1.71de3a556c734p-19 0x1.71de3a556c734p-19)))
    (local.set $p1 (f64x2.add (f64x2.mul (local.get $p1) (local.get $r1)) (v128.const f64x2 0x1.a01a01a01a01ap-16 0x1.a01a01a01a01ap-16)))
    (local.set $p1 (f64x2.add (f64x2.mul (local.get $p1) (local.get $r1)) (v128.const f64x2 0x1.a01a01a01a01ap-13 0x1.a01a01a01a01ap-13)))
    (local.set $p1 (f64x2.add (f64x2.mul (local.get $p1) (local.get $r1)) (v128.const f64x2 0x1.6c16c16c16c17p-10 0x1.6c16c16c16c17p-10)))
    (local.set $p1 (f64x2.add (f64x2.mul (local.get $p1) (local.get $r1)) (v128.const f64x2 0x1.1111111111111p-7 0x1.1111111111111p-7)))
    (local.set $p1 (f64x2.add (f64x2.mul (local.get $p1) (local.get $r1)) (v128.const f64x2 0x1.5555555555555p-5 0x1.5555555555555p-5)))
    (local.set $p1 (f64x2.add (f64x2.mul (local.get $p1) (local.get $r1)) (v128.const f64x2 0x1.5555555555555p-3 0x1.5555555555555p-3)))
    (local.set $p1 (f64x2.add (f64x2.mul (local.get $p1) (local.get $r1)) (v128.const f64x2 0.5 0.5)))
    (local.set $p1 (f64x2.add (local.get $r1) (f64x2.mul (f64x2.mul (local.get $r1) (local.get $r1)) (local.get $p1))))
    (local.set $s1 (i64x2.shl (i64x2.add (local.get $kd1) (v128.const i64x2 1023 1023)) (i32.const 52)))
    (local.set $p1 (f64x2.add (f64x2.mul (local.get $s1) (local.get $p1)) (f64x2.sub (local.get $s1) (v128.const f64x2 1 1))))
    (local.set $yd1 (f64x2.div (local.get $p1) (f64x2.add (local.get $p1) (v128.const f64x2 2 2))))
        ;; x's sign back (-0 stays -0), then round to float32
        (local.set $xv (v128.or
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
            (f32x4.demote_f64x2_zero (local.get $yd0)) (f32x4.demote_f64x2_zero (local.get $yd1)))
          (v128.and (v128.load (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2)))) (v128.const i32x4 0x80000000 0x80000000 0x80000000 0x80000000))))
        (v128.store (i32.add (local.get $y) (i32.shl (local.get $i) (i32.const 2))) (local.get $xv))
        ;; a lane near a float32 rounding midpoint: redo the four with Math.tanh
        (if (v128.any_true (v128.or (i64x2.le_s (i64x2.abs (i64x2.sub (v128.and (local.get $yd0) (v128.const i64x2 0x1fffffff 0x1fffffff)) (v128.const i64x2 0x10000000 0x10000000))) (v128.const i64x2 4096 4096)) (i64x2.le_s (i64x2.abs (i64x2.sub (v128.and (local.get $yd1) (v128.const i64x2 0x1fffffff 0x1fffffff)) (v128.const i64x2 0x10000000 0x10000000))) (v128.const i64x2 4096 4096))))
          (then
            (local.set $slow (i32.add (local.get $slow) (i32.const 4)))
            (call $exact (local.get $x) (local.get $y) (local.get $i) (i32.add (local.get $i) (i32.const 4)))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $step)))
    ;; the last n mod 4 elements
    (call $exact (local.get $x) (local.get $y) (local.get $end) (local.get $n))
    (i32.add (local.get $slow) (i32.sub (local.get $n) (local.get $end))))

  ;; y64[i] = tanh(|x[i]|) in float64 before rounding, for i < n (n even): what the exactness check measures
  (func (export "tanh64") (param $x i32) (param $y i32) (param $n i32)
    (local $i i32) (local $xd0 v128) (local $yd0 v128) (local $a0 v128) (local $t0 v128) (local $kd0 v128) (local $kf0 v128) (local $r0 v128) (local $p0 v128) (local $s0 v128)
    (block $done
      (loop $step
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $xd0 (f64x2.promote_low_f32x4
          (v128.load64_zero (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2))))))
    (local.set $a0 (f64x2.min (f64x2.abs (local.get $xd0)) (v128.const f64x2 10 10)))
    (local.set $t0 (f64x2.add (local.get $a0) (local.get $a0)))
    (local.set $kd0 (f64x2.add (f64x2.mul (local.get $t0) (v128.const f64x2 0x1.71547652b82fep+0 0x1.71547652b82fep+0)) (v128.const f64x2 0x1.8p52 0x1.8p52)))
    (local.set $kf0 (f64x2.sub (local.get $kd0) (v128.const f64x2 0x1.8p52 0x1.8p52)))
    (local.set $r0 (f64x2.sub (f64x2.sub (local.get $t0) (f64x2.mul (local.get $kf0) (v128.const f64x2 0x1.62e42feep-1 0x1.62e42feep-1))) (f64x2.mul (local.get $kf0) (v128.const f64x2 0x1.a39ef35793c76p-33 0x1.a39ef35793c76p-33))))
    (local.set $p0 (v128.const f64x2 0x1.1eed8eff8d898p-29 0x1.1eed8eff8d898p-29))
    (local.set $p0 (f64x2.add (f64x2.mul (local.get $p0) (local.get $r0)) (v128.const f64x2 0x1.ae64567f544e4p-26 0x1.ae64567f544e4p-26)))
    (local.set $p0 (f64x2.add (f64x2.mul (local.get $p0) (local.get $r0)) (v128.const f64x2 0x1.27e4fb7789f5cp-22 0x1.27e4fb7789f5cp-22)))
    (local.set $p0 (f64x2.add (f64x2.mul (local.get $p0) (local.get $r0)) (v128.const f64x2 0x1.71de3a556c734p-19 0x1.71de3a556c734p-19)))
    (local.set $p0 (f64x2.add (f64x2.mul (local.get $p0) (local.get $r0)) (v128.const f64x2 0x1.a01a01a01a01ap-16 0x1.a01a01a01a01ap-16)))
    (local.set $p0 (f64x2.add (f64x2.mul (local.get $p0) (local.get $r0)) (v128.const f64x2 0x1.a01a01a01a01ap-13 0x1.a01a01a01a01ap-13)))
    (local.set $p0 (f64x2.add (f64x2.mul (local.get $p0) (local.get $r0)) (v128.const f64x2 0x1.6c16c16c16c17p-10 0x1.6c16c16c16c17p-10)))
    (local.set $p0 (f64x2.add (f64x2.mul (local.get $p0) (local.get $r0)) (v128.const f64x2 0x1.1111111111111p-7 0x1.1111111111111p-7)))
    (local.set $p0 (f64x2.add (f64x2.mul (local.get $p0) (local.get $r0)) (v128.const f64x2 0x1.5555555555555p-5 0x1.5555555555555p-5)))
    (local.set $p0 (f64x2.add (f64x2.mul (local.get $p0) (local.get $r0)) (v128.const f64x2 0x1.5555555555555p-3 0x1.5555555555555p-3)))
    (local.set $p0 (f64x2.add (f64x2.mul (local.get $p0) (local.get $r0)) (v128.const f64x2 0.5 0.5)))
    (local.set $p0 (f64x2.add (local.get $r0) (f64x2.mul (f64x2.mul (local.get $r0) (local.get $r0)) (local.get $p0))))
    (local.set $s0 (i64x2.shl (i64x2.add (local.get $kd0) (v128.const i64x2 1023 1023)) (i32.const 52)))
    (local.set $p0 (f64x2.add (f64x2.mul (local.get $s0) (local.get $p0)) (f64x2.sub (local.get $s0) (v128.const f64x2 1 1))))
    (local.set $yd0 (f64x2.div (local.get $p0) (f64x2.add (local.get $p0) (v128.const f64x2 2 2))))
        (v128.store (i32.add (local.get $y) (i32.shl (local.get $i) (i32.const 3))) (local.get $yd0))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $step))))
)
