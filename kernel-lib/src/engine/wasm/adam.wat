;; One Adam step over a float32 variable in one pass, exactly as tfjs's AdamOptimizer computes it
;; with separate ops (tfjs-core 4.22 adam_optimizer.ts), every operation rounded to float32:
;;   m' = m b1 + g c1                      c1 = fround(1 - beta1)
;;   v' = v b2 + (g g) c2                  c2 = fround(1 - beta2)
;;   x' = ((m' / a1) / (sqrt(v' / a2) + eps)) nlr + x
;; with a1 = fround(1 - beta1^t), a2 = fround(1 - beta2^t) (the bias corrections), nlr = fround(-lr).
;; WebAssembly never fuses a multiply and an add, and its float32 add, mul, div and sqrt are
;; correctly rounded, as are the stock kernels' and the cpu backend's, so the results are the same
;; bits. Source of the bytes in ./adam-bytes.ts (scripts/build-wat.sh adam rebuilds them).
;;
;; adam(x, m, v, g, xo, mo, vo, n, b1, c1, b2, c2, a1, a2, eps, nlr): x, m, v, g (inputs) and xo,
;; mo, vo (outputs) are byte offsets of float32 arrays of n elements in the imported memory (the
;; wasm backend's heap); four elements per step, then the last n mod 4 one by one.
(module
  (import "env" "memory" (memory 1))

  (func (export "adam")
    (param $x i32) (param $m i32) (param $v i32) (param $g i32)
    (param $xo i32) (param $mo i32) (param $vo i32) (param $n i32)
    (param $b1 f32) (param $c1 f32) (param $b2 f32) (param $c2 f32)
    (param $a1 f32) (param $a2 f32) (param $eps f32) (param $nlr f32)
    (local $i i32) (local $end i32) (local $at i32)
    (local $B1 v128) (local $C1 v128) (local $B2 v128) (local $C2 v128)
    (local $A1 v128) (local $A2 v128) (local $EPS v128) (local $NLR v128)
    (local $gv v128) (local $mv v128) (local $vv v128)
    (local $gs f32) (local $ms f32) (local $vs f32)
    (local.set $B1 (f32x4.splat (local.get $b1)))
    (local.set $C1 (f32x4.splat (local.get $c1)))
    (local.set $B2 (f32x4.splat (local.get $b2)))
    (local.set $C2 (f32x4.splat (local.get $c2)))
    (local.set $A1 (f32x4.splat (local.get $a1)))
    (local.set $A2 (f32x4.splat (local.get $a2)))
    (local.set $EPS (f32x4.splat (local.get $eps)))
    (local.set $NLR (f32x4.splat (local.get $nlr)))
    (local.set $end (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2)))
    (block $done
      (loop $step
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $gv (v128.load align=4 (i32.add (local.get $g) (local.get $i))))
        ;; m' = m b1 + g c1
        (local.set $mv (f32x4.add
          (f32x4.mul (v128.load align=4 (i32.add (local.get $m) (local.get $i))) (local.get $B1))
          (f32x4.mul (local.get $gv) (local.get $C1))))
        ;; v' = v b2 + (g g) c2
        (local.set $vv (f32x4.add
          (f32x4.mul (v128.load align=4 (i32.add (local.get $v) (local.get $i))) (local.get $B2))
          (f32x4.mul (f32x4.mul (local.get $gv) (local.get $gv)) (local.get $C2))))
        (v128.store align=4 (i32.add (local.get $mo) (local.get $i)) (local.get $mv))
        (v128.store align=4 (i32.add (local.get $vo) (local.get $i)) (local.get $vv))
        ;; x' = ((m' / a1) / (sqrt(v' / a2) + eps)) nlr + x
        (v128.store align=4 (i32.add (local.get $xo) (local.get $i))
          (f32x4.add
            (f32x4.mul
              (f32x4.div
                (f32x4.div (local.get $mv) (local.get $A1))
                (f32x4.add (f32x4.sqrt (f32x4.div (local.get $vv) (local.get $A2))) (local.get $EPS)))
              (local.get $NLR))
            (v128.load align=4 (i32.add (local.get $x) (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $step)))
    ;; the last n mod 4 elements: the same operations on one float
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (block $tail
      (loop $one
        (br_if $tail (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $gs (f32.load (i32.add (local.get $g) (local.get $i))))
        (local.set $ms (f32.add
          (f32.mul (f32.load (i32.add (local.get $m) (local.get $i))) (local.get $b1))
          (f32.mul (local.get $gs) (local.get $c1))))
        (local.set $vs (f32.add
          (f32.mul (f32.load (i32.add (local.get $v) (local.get $i))) (local.get $b2))
          (f32.mul (f32.mul (local.get $gs) (local.get $gs)) (local.get $c2))))
        (f32.store (i32.add (local.get $mo) (local.get $i)) (local.get $ms))
        (f32.store (i32.add (local.get $vo) (local.get $i)) (local.get $vs))
        (f32.store (i32.add (local.get $xo) (local.get $i))
          (f32.add
            (f32.mul
              (f32.div
                (f32.div (local.get $ms) (local.get $a1))
                (f32.add (f32.sqrt (f32.div (local.get $vs) (local.get $a2))) (local.get $eps)))
              (local.get $nlr))
            (f32.load (i32.add (local.get $x) (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $one))))
)
