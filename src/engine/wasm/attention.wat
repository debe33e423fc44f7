;; The decode attention kernel in WebAssembly SIMD: the same three passes as attendSlots in
;; ../attention.ts (the readable reference), four float32 lanes at a time; and the matrix-vector product
;; of the projections and logits (matvec, below; ../linalg.ts is its reference).
;;
;;   out = Σ_j softmax_j(q·k_j / √headDim) · v_j     over slots j < slots
;;
;; Everything lives in the linear memory the host passes in as env.memory: the cache's keys and values
;; ([slots][headDim] float32 per KV head, padded to a multiple of 8 slots, see SLOT_BLOCK), one query
;; head, the scores and the output. Pointers are byte offsets into that memory.
;;
;; Arithmetic is float32 throughout (the JS kernel sums in float64): a 64-term dot product or a
;; 16k-term weighted sum in float32 is off by ~1e-7 relative, far inside what the engine's tests allow.
;; The head size is a runtime argument; a multiple of 4 runs entirely in f32x4, any other size adds a
;; scalar pass over the last headDim mod 4 elements.
(module
  (import "env" "memory" (memory 1))

  ;; The sum of a vector's four lanes.
  (func $hsum (param $v v128) (result f32)
    (f32.add
      (f32.add (f32x4.extract_lane 0 (local.get $v)) (f32x4.extract_lane 1 (local.get $v)))
      (f32.add (f32x4.extract_lane 2 (local.get $v)) (f32x4.extract_lane 3 (local.get $v)))))

;; tailDot(q, k, from, to): Σ q[e]·k[e] over the bytes [from, to) of two rows, one float at a time: the
  ;; last headDim mod 4 products of a head size that is not a multiple of 4.
  (func $tailDot (param $q i32) (param $k i32) (param $e i32) (param $end i32) (result f32)
    (local $s f32)
    (block $done
      (loop $one
        (br_if $done (i32.ge_u (local.get $e) (local.get $end)))
        (local.set $s (f32.add (local.get $s) (f32.mul (f32.load (i32.add (local.get $q) (local.get $e))) (f32.load (i32.add (local.get $k) (local.get $e))))))
        (local.set $e (i32.add (local.get $e) (i32.const 4)))
        (br $one)))
    (local.get $s))

  ;; attend(q, keys, values, slots, headDim, weights, out)
  ;;   q       [headDim] float32           one query head (scratch: scaled in place by 1/√headDim)
  ;;   keys    [padded][headDim] float32   padded = slots rounded up to a multiple of 8 (SLOT_BLOCK)
  ;;   values  [padded][headDim] float32
  ;;   weights [padded] float32            scratch: scores, then softmax weights
  ;;   out     [headDim + 2] float32       the attention output for this head, then the largest score
  ;;                                       and Σ_j e^(score_j − largest) (to merge runs of slots)
  (func (export "attend")
    (param $q i32) (param $keys i32) (param $values i32) (param $slots i32) (param $headDim i32)
    (param $weights i32) (param $out i32)
    (local $padded i32) (local $row i32) (local $vec i32) (local $j i32) (local $e i32) (local $p i32) (local $end i32)
    (local $k0 i32) (local $k1 i32) (local $k2 i32) (local $k3 i32) (local $k4 i32) (local $k5 i32) (local $k6 i32) (local $k7 i32)
    (local $kp i32) (local $qp i32) (local $qend i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $a4 v128) (local $a5 v128) (local $a6 v128) (local $a7 v128)
    (local $qv v128) (local $w v128) (local $x v128) (local $n v128) (local $r v128) (local $keep v128)
    (local $ab v128) (local $cd v128) (local $max v128) (local $total v128)
    (local $s f32) (local $scale f32) (local $m f32) (local $sum f32) (local $inv f32)

    (local.set $padded (i32.and (i32.add (local.get $slots) (i32.const 7)) (i32.const -8)))
    (local.set $row (i32.shl (local.get $headDim) (i32.const 2)))        ;; bytes per slot
    (local.set $vec (i32.and (local.get $row) (i32.const -16)))          ;; bytes the f32x4 loops cover

    ;; q ← q · log₂e / √headDim, once, so the scores come out scaled and in base 2: e^(s/√d) = 2^(s·log₂e/√d),
    ;; and pass 2 needs no multiplication by log₂e and no ln 2 split.
    (local.set $scale (f32.div (f32.const 1.44269504088896341) (f32.sqrt (f32.convert_i32_u (local.get $headDim)))))
    (local.set $e (i32.const 0))
    (block $done
      (loop $scaleQ
        (br_if $done (i32.ge_u (local.get $e) (local.get $row)))
        (f32.store (i32.add (local.get $q) (local.get $e)) (f32.mul (f32.load (i32.add (local.get $q) (local.get $e))) (local.get $scale)))
        (local.set $e (i32.add (local.get $e) (i32.const 4)))
        (br $scaleQ)))

    ;; Pass 1, scores and their max: weights[j] = q·k_j, eight slots at a time, one f32x4 accumulator
    ;; each. Why eight: an f32x4 add waits ~3 cycles for the previous add on the same accumulator, so
    ;; four accumulators (the benchmark's streaming limit) leave the adder idle; eight independent sums
    ;; do not, and still fit x86-64's 16 vector registers beside q. padded is a multiple of 8, so there
    ;; is no remainder of slots. Each four accumulators are reduced together into one vector of four
    ;; scores by two rounds of pairwise shuffles and adds (not four horizontal sums).
    (local.set $max (f32x4.splat (f32.const -inf)))
    (local.set $j (i32.const 0))
    (local.set $p (local.get $weights))
    (loop $slots8
      (local.set $k0 (i32.add (local.get $keys) (i32.mul (local.get $j) (local.get $row))))
      (local.set $k1 (i32.add (local.get $k0) (local.get $row)))
      (local.set $k2 (i32.add (local.get $k1) (local.get $row)))
      (local.set $k3 (i32.add (local.get $k2) (local.get $row)))
      (local.set $k4 (i32.add (local.get $k3) (local.get $row)))
      (local.set $k5 (i32.add (local.get $k4) (local.get $row)))
      (local.set $k6 (i32.add (local.get $k5) (local.get $row)))
      (local.set $k7 (i32.add (local.get $k6) (local.get $row)))
      (local.set $a0 (v128.const i32x4 0 0 0 0))
      (local.set $a1 (v128.const i32x4 0 0 0 0))
      (local.set $a2 (v128.const i32x4 0 0 0 0))
      (local.set $a3 (v128.const i32x4 0 0 0 0))
      (local.set $a4 (v128.const i32x4 0 0 0 0))
      (local.set $a5 (v128.const i32x4 0 0 0 0))
      (local.set $a6 (v128.const i32x4 0 0 0 0))
      (local.set $a7 (v128.const i32x4 0 0 0 0))
      (local.set $e (i32.const 0))
      ;; Head size 64, the common one (GPT-2, Llama's 8B and most since) gets its own loop: its eight rows
      ;; are 256 bytes apart, so each load is one pointer plus a constant, where the general loop adds a
      ;; row pointer and the offset for each of its eight loads; a fifth fewer instructions in this pass.
      (if (i32.eq (local.get $row) (i32.const 256))
        (then
          (local.set $kp (local.get $k0))
          (local.set $qp (local.get $q))
          (local.set $qend (i32.add (local.get $q) (i32.const 256)))
          (loop $dims64
            (local.set $qv (v128.load (local.get $qp)))
              (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $qv) (v128.load offset=0 (local.get $kp)))))
              (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $qv) (v128.load offset=256 (local.get $kp)))))
              (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $qv) (v128.load offset=512 (local.get $kp)))))
              (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $qv) (v128.load offset=768 (local.get $kp)))))
              (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (local.get $qv) (v128.load offset=1024 (local.get $kp)))))
              (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (local.get $qv) (v128.load offset=1280 (local.get $kp)))))
              (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (local.get $qv) (v128.load offset=1536 (local.get $kp)))))
              (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (local.get $qv) (v128.load offset=1792 (local.get $kp)))))
            (local.set $kp (i32.add (local.get $kp) (i32.const 16)))
            (local.set $qp (i32.add (local.get $qp) (i32.const 16)))
            (br_if $dims64 (i32.lt_u (local.get $qp) (local.get $qend)))))
        (else
          (block $done
            (br_if $done (i32.eqz (local.get $vec)))
            (loop $dims
              (local.set $qv (v128.load (i32.add (local.get $q) (local.get $e))))
              (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $qv) (v128.load (i32.add (local.get $k0) (local.get $e))))))
              (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $qv) (v128.load (i32.add (local.get $k1) (local.get $e))))))
              (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $qv) (v128.load (i32.add (local.get $k2) (local.get $e))))))
              (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $qv) (v128.load (i32.add (local.get $k3) (local.get $e))))))
              (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (local.get $qv) (v128.load (i32.add (local.get $k4) (local.get $e))))))
              (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (local.get $qv) (v128.load (i32.add (local.get $k5) (local.get $e))))))
              (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (local.get $qv) (v128.load (i32.add (local.get $k6) (local.get $e))))))
              (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (local.get $qv) (v128.load (i32.add (local.get $k7) (local.get $e))))))
              (local.set $e (i32.add (local.get $e) (i32.const 16)))
              (br_if $dims (i32.lt_u (local.get $e) (local.get $vec)))))))
      ;; ab = [a0₀+a0₂, a1₀+a1₂, a0₁+a0₃, a1₁+a1₃], cd likewise for a2, a3; then
      ;; [ab₀+ab₂, ab₁+ab₃, cd₀+cd₂, cd₁+cd₃] = [Σ a0, Σ a1, Σ a2, Σ a3].
      (local.set $ab
        (f32x4.add
          (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a0) (local.get $a1))
          (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a0) (local.get $a1))))
      (local.set $cd
        (f32x4.add
          (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a2) (local.get $a3))
          (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a2) (local.get $a3))))
      (local.set $a0
        (f32x4.add
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $ab) (local.get $cd))
          (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $ab) (local.get $cd))))
      (local.set $ab
        (f32x4.add
          (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a4) (local.get $a5))
          (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a4) (local.get $a5))))
      (local.set $cd
        (f32x4.add
          (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a6) (local.get $a7))
          (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a6) (local.get $a7))))
      (local.set $a4
        (f32x4.add
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $ab) (local.get $cd))
          (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $ab) (local.get $cd))))
      (if (i32.lt_u (local.get $vec) (local.get $row))
        (then
          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.replace_lane 3 (f32x4.replace_lane 2 (f32x4.replace_lane 1 (f32x4.splat (call $tailDot (local.get $q) (local.get $k0) (local.get $vec) (local.get $row))) (call $tailDot (local.get $q) (local.get $k1) (local.get $vec) (local.get $row))) (call $tailDot (local.get $q) (local.get $k2) (local.get $vec) (local.get $row))) (call $tailDot (local.get $q) (local.get $k3) (local.get $vec) (local.get $row)))))
          (local.set $a4 (f32x4.add (local.get $a4) (f32x4.replace_lane 3 (f32x4.replace_lane 2 (f32x4.replace_lane 1 (f32x4.splat (call $tailDot (local.get $q) (local.get $k4) (local.get $vec) (local.get $row))) (call $tailDot (local.get $q) (local.get $k5) (local.get $vec) (local.get $row))) (call $tailDot (local.get $q) (local.get $k6) (local.get $vec) (local.get $row))) (call $tailDot (local.get $q) (local.get $k7) (local.get $vec) (local.get $row)))))))
      ;; The last eight may run past the slots: the padding gets −∞, so it is not the max and its weight
      ;; comes out exactly 0.
      (if (i32.gt_u (i32.add (local.get $j) (i32.const 8)) (local.get $slots))
        (then
          (local.set $x (i32x4.add (i32x4.splat (local.get $j)) (v128.const i32x4 0 1 2 3)))
          (local.set $a0 (v128.bitselect (local.get $a0) (f32x4.splat (f32.const -inf)) (i32x4.lt_s (local.get $x) (i32x4.splat (local.get $slots)))))
          (local.set $x (i32x4.add (local.get $x) (i32x4.splat (i32.const 4))))
          (local.set $a4 (v128.bitselect (local.get $a4) (f32x4.splat (f32.const -inf)) (i32x4.lt_s (local.get $x) (i32x4.splat (local.get $slots)))))))
      (v128.store offset=0 (local.get $p) (local.get $a0))
      (v128.store offset=16 (local.get $p) (local.get $a4))
      (local.set $max (f32x4.max (local.get $max) (f32x4.max (local.get $a0) (local.get $a4))))
      (local.set $p (i32.add (local.get $p) (i32.const 32)))
      (local.set $j (i32.add (local.get $j) (i32.const 8)))
      (br_if $slots8 (i32.lt_u (local.get $j) (local.get $padded))))
    (local.set $m
      (f32.max
        (f32.max (f32x4.extract_lane 0 (local.get $max)) (f32x4.extract_lane 1 (local.get $max)))
        (f32.max (f32x4.extract_lane 2 (local.get $max)) (f32x4.extract_lane 3 (local.get $max)))))

    ;; Pass 2, softmax weights: w_j = 2^(score_j − max) (the scores are in base 2, see q's scaling),
    ;; unnormalised (pass 3 divides by Σ w once). Subtracting the max keeps 2^x ≤ 1, so nothing overflows.
    ;; 2^x is Cephes' exp2f four lanes at a time: x = n + r with n an integer and |r| ≤ 1/2, 2^x = 2^n · 2^r,
    ;; 2^r by a degree-6 polynomial (relative error ~2e-7). n is rounded by adding 1.5·2²³, which leaves
    ;; it in the float's low mantissa bits; with the bias 127 added and shifted left by 23 they are 2^n's
    ;; bits (the magic number's own bits shift out). x is clamped at −126 so 2^n stays a normal float;
    ;; −∞ (padding) is masked to exactly 0.
    (local.set $max (f32x4.splat (local.get $m)))
    (local.set $total (v128.const i32x4 0 0 0 0))
    (local.set $p (local.get $weights))
    (local.set $end (i32.add (local.get $weights) (i32.shl (local.get $padded) (i32.const 2))))
    (loop $expLoop
      (local.set $x (v128.load (local.get $p)))
      (local.set $keep (f32x4.ne (local.get $x) (f32x4.splat (f32.const -inf))))
      (local.set $x (f32x4.max (f32x4.sub (local.get $x) (local.get $max)) (f32x4.splat (f32.const -126))))
      (local.set $n (f32x4.add (local.get $x) (f32x4.splat (f32.const 12582912))))
      (local.set $r (f32x4.sub (local.get $x) (f32x4.sub (local.get $n) (f32x4.splat (f32.const 12582912)))))
      ;; 2^r ≈ 1 + r·(((((p5 r + p4) r + p3) r + p2) r + p1) r + p0)
      (local.set $w (f32x4.add (f32x4.mul (f32x4.splat (f32.const 1.535336188319500e-4)) (local.get $r)) (f32x4.splat (f32.const 1.339887440266574e-3))))
      (local.set $w (f32x4.add (f32x4.mul (local.get $w) (local.get $r)) (f32x4.splat (f32.const 9.618437357674640e-3))))
      (local.set $w (f32x4.add (f32x4.mul (local.get $w) (local.get $r)) (f32x4.splat (f32.const 5.550332471162809e-2))))
      (local.set $w (f32x4.add (f32x4.mul (local.get $w) (local.get $r)) (f32x4.splat (f32.const 2.402264791363012e-1))))
      (local.set $w (f32x4.add (f32x4.mul (local.get $w) (local.get $r)) (f32x4.splat (f32.const 6.931472028550421e-1))))
      (local.set $w (f32x4.add (f32x4.mul (local.get $w) (local.get $r)) (f32x4.splat (f32.const 1))))
      (local.set $w
        (v128.and
          (f32x4.mul (local.get $w) (i32x4.shl (i32x4.add (local.get $n) (i32x4.splat (i32.const 127))) (i32.const 23)))
          (local.get $keep)))
      (v128.store (local.get $p) (local.get $w))
      (local.set $total (f32x4.add (local.get $total) (local.get $w)))
      (local.set $p (i32.add (local.get $p) (i32.const 16)))
      (br_if $expLoop (i32.lt_u (local.get $p) (local.get $end))))
    (local.set $sum (call $hsum (local.get $total)))
    (local.set $inv (f32.div (f32.const 1) (local.get $sum)))

    ;; Pass 3, out = Σ_j w_j v_j / Σ_j w_j, sixteen dimensions (one 64-byte cache line of each row) at a
    ;; time: four f32x4 accumulators stay in registers through all the rows, so the output is stored once
    ;; per sixteen dimensions instead of loaded and stored per row. (Eight accumulators over 32 dimensions
    ;; measured slower here: the values are streamed from L3, not waited on by the adder.)
    (local.set $end (i32.add (local.get $values) (i32.mul (local.get $padded) (local.get $row))))
    ;; Which order: a head's values up to 256 KiB stay in L2 (1 MiB a core here, 256 KiB on small cores)
    ;; across the passes over sixteen dimensions; larger ones come from L3 or DRAM, where reading every
    ;; fourth cache line in a pass measured twice as slow (a 4,096-slot full cache) as reading the rows in
    ;; order: those take four rows at a time over all dimensions, out loaded and stored once per four rows.
    (if (i32.le_u (i32.sub (local.get $end) (local.get $values)) (i32.const 262144))
      (then
        (local.set $e (i32.const 0))
        (block $done
          (loop $chunks16
            (br_if $done (i32.gt_u (i32.add (local.get $e) (i32.const 64)) (local.get $vec)))
            (local.set $a0 (v128.const i32x4 0 0 0 0))
            (local.set $a1 (v128.const i32x4 0 0 0 0))
            (local.set $a2 (v128.const i32x4 0 0 0 0))
            (local.set $a3 (v128.const i32x4 0 0 0 0))
            (local.set $p (i32.add (local.get $values) (local.get $e)))
            (local.set $k0 (local.get $weights))
            (loop $rows
              (local.set $w (v128.load32_splat (local.get $k0)))
              (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $w) (v128.load offset=0 (local.get $p)))))
              (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $w) (v128.load offset=16 (local.get $p)))))
              (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $w) (v128.load offset=32 (local.get $p)))))
              (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $w) (v128.load offset=48 (local.get $p)))))
              (local.set $k0 (i32.add (local.get $k0) (i32.const 4)))
              (local.set $p (i32.add (local.get $p) (local.get $row)))
              (br_if $rows (i32.lt_u (local.get $p) (local.get $end))))
            (local.set $w (f32x4.splat (local.get $inv)))
            (local.set $p (i32.add (local.get $out) (local.get $e)))
            (v128.store offset=0 (local.get $p) (f32x4.mul (local.get $a0) (local.get $w)))
            (v128.store offset=16 (local.get $p) (f32x4.mul (local.get $a1) (local.get $w)))
            (v128.store offset=32 (local.get $p) (f32x4.mul (local.get $a2) (local.get $w)))
            (v128.store offset=48 (local.get $p) (f32x4.mul (local.get $a3) (local.get $w)))
            (local.set $e (i32.add (local.get $e) (i32.const 64)))
            (br $chunks16)))
        ;; Head sizes that are not a multiple of 16: the remaining f32x4 columns one at a time, then the last
        ;; headDim mod 4 dimensions as scalars.
        (block $done
          (loop $chunks4
            (br_if $done (i32.ge_u (local.get $e) (local.get $vec)))
            (local.set $a0 (v128.const i32x4 0 0 0 0))
            (local.set $p (i32.add (local.get $values) (local.get $e)))
            (local.set $k0 (local.get $weights))
            (loop $rows
              (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load32_splat (local.get $k0)) (v128.load (local.get $p)))))
              (local.set $k0 (i32.add (local.get $k0) (i32.const 4)))
              (local.set $p (i32.add (local.get $p) (local.get $row)))
              (br_if $rows (i32.lt_u (local.get $p) (local.get $end))))
            (v128.store (i32.add (local.get $out) (local.get $e)) (f32x4.mul (local.get $a0) (f32x4.splat (local.get $inv))))
            (local.set $e (i32.add (local.get $e) (i32.const 16)))
            (br $chunks4)))
        (block $done
          (loop $scalars
            (br_if $done (i32.ge_u (local.get $e) (local.get $row)))
            (local.set $s (f32.const 0))
            (local.set $p (i32.add (local.get $values) (local.get $e)))
            (local.set $k0 (local.get $weights))
            (loop $rows
              (local.set $s (f32.add (local.get $s) (f32.mul (f32.load (local.get $k0)) (f32.load (local.get $p)))))
              (local.set $k0 (i32.add (local.get $k0) (i32.const 4)))
              (local.set $p (i32.add (local.get $p) (local.get $row)))
              (br_if $rows (i32.lt_u (local.get $p) (local.get $end))))
            (f32.store (i32.add (local.get $out) (local.get $e)) (f32.mul (local.get $s) (local.get $inv)))
            (local.set $e (i32.add (local.get $e) (i32.const 4)))
            (br $scalars)))
)
      (else
        (local.set $e (i32.const 0))
        (block $done
          (loop $clear
            (br_if $done (i32.ge_u (local.get $e) (local.get $row)))
            (f32.store (i32.add (local.get $out) (local.get $e)) (f32.const 0))
            (local.set $e (i32.add (local.get $e) (i32.const 4)))
            (br $clear)))
        (local.set $k0 (local.get $weights))
        (local.set $p (local.get $values))
        (loop $rows4
          (local.set $a4 (v128.load32_splat offset=0 (local.get $k0)))
          (local.set $a5 (v128.load32_splat offset=4 (local.get $k0)))
          (local.set $a6 (v128.load32_splat offset=8 (local.get $k0)))
          (local.set $a7 (v128.load32_splat offset=12 (local.get $k0)))
          (local.set $k1 (i32.add (local.get $p) (local.get $row)))
          (local.set $k2 (i32.add (local.get $k1) (local.get $row)))
          (local.set $k3 (i32.add (local.get $k2) (local.get $row)))
          (local.set $e (i32.const 0))
          (block $done
            (loop $dims
              (br_if $done (i32.ge_u (local.get $e) (local.get $vec)))
              (v128.store (i32.add (local.get $out) (local.get $e))
                (f32x4.add
                  (v128.load (i32.add (local.get $out) (local.get $e)))
                  (f32x4.add
                    (f32x4.add
                      (f32x4.mul (local.get $a4) (v128.load (i32.add (local.get $p) (local.get $e))))
                      (f32x4.mul (local.get $a5) (v128.load (i32.add (local.get $k1) (local.get $e)))))
                    (f32x4.add
                      (f32x4.mul (local.get $a6) (v128.load (i32.add (local.get $k2) (local.get $e))))
                      (f32x4.mul (local.get $a7) (v128.load (i32.add (local.get $k3) (local.get $e))))))))
              (local.set $e (i32.add (local.get $e) (i32.const 16)))
              (br $dims)))
          (block $done
            (loop $tail
              (br_if $done (i32.ge_u (local.get $e) (local.get $row)))
              (f32.store (i32.add (local.get $out) (local.get $e))
                (f32.add
                  (f32.load (i32.add (local.get $out) (local.get $e)))
                  (f32.add
                    (f32.add
                      (f32.mul (f32.load offset=0 (local.get $k0)) (f32.load (i32.add (local.get $p) (local.get $e))))
                      (f32.mul (f32.load offset=4 (local.get $k0)) (f32.load (i32.add (local.get $k1) (local.get $e)))))
                    (f32.add
                      (f32.mul (f32.load offset=8 (local.get $k0)) (f32.load (i32.add (local.get $k2) (local.get $e))))
                      (f32.mul (f32.load offset=12 (local.get $k0)) (f32.load (i32.add (local.get $k3) (local.get $e))))))))
              (local.set $e (i32.add (local.get $e) (i32.const 4)))
              (br $tail)))
          (local.set $k0 (i32.add (local.get $k0) (i32.const 16)))
          (local.set $p (i32.add (local.get $k3) (local.get $row)))
          (br_if $rows4 (i32.lt_u (local.get $p) (local.get $end))))
        (local.set $e (i32.const 0))
        (block $done
          (loop $norm
            (br_if $done (i32.ge_u (local.get $e) (local.get $row)))
            (f32.store (i32.add (local.get $out) (local.get $e)) (f32.mul (f32.load (i32.add (local.get $out) (local.get $e))) (local.get $inv)))
            (local.set $e (i32.add (local.get $e) (i32.const 4)))
            (br $norm)))))

    ;; For merging runs (kernel.ts): the largest score (back in natural units, × ln 2) and Σ w, stored just
    ;; past the output.
    (f32.store (i32.add (local.get $out) (local.get $row)) (f32.mul (local.get $m) (f32.const 0.693147180559945309)))
    (f32.store offset=4 (i32.add (local.get $out) (local.get $row)) (local.get $sum)))

;; matvec(out, w, x, rows, cols): out[r] = Σ_c w[r][c] · x[c] for r < rows, w row-major [rows][cols]
  ;; float32 (the projections and the logits of a decode step; linalg.ts's matvec is the reference).
  ;; Eight rows at a time with one f32x4 accumulator each, as attend's scores and for the same reason
  ;; (each load of x serves eight rows, and eight independent sums keep the adder busy); each four
  ;; accumulators are reduced together into one vector of four results. The last cols mod 4 columns are
  ;; added by tailDot, the last rows mod 8 rows are done one at a time.
  (func (export "matvec")
    (param $out i32) (param $w i32) (param $x i32) (param $rows i32) (param $cols i32)
    (local $r i32) (local $c i32) (local $row i32) (local $vec i32)
    (local $w0 i32) (local $w1 i32) (local $w2 i32) (local $w3 i32) (local $w4 i32) (local $w5 i32) (local $w6 i32) (local $w7 i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $a4 v128) (local $a5 v128) (local $a6 v128) (local $a7 v128)
    (local $xv v128) (local $ab v128) (local $cd v128) (local $s0 f32)
    (local.set $row (i32.shl (local.get $cols) (i32.const 2)))        ;; bytes per row
    (local.set $vec (i32.and (local.get $row) (i32.const -16)))       ;; bytes the f32x4 loops cover
    (local.set $r (i32.const 0))
    (block $rowsDone
      (loop $rows8
        (br_if $rowsDone (i32.gt_u (i32.add (local.get $r) (i32.const 8)) (local.get $rows)))
        (local.set $w0 (i32.add (local.get $w) (i32.mul (local.get $r) (local.get $row))))
        (local.set $w1 (i32.add (local.get $w0) (local.get $row)))
        (local.set $w2 (i32.add (local.get $w1) (local.get $row)))
        (local.set $w3 (i32.add (local.get $w2) (local.get $row)))
        (local.set $w4 (i32.add (local.get $w3) (local.get $row)))
        (local.set $w5 (i32.add (local.get $w4) (local.get $row)))
        (local.set $w6 (i32.add (local.get $w5) (local.get $row)))
        (local.set $w7 (i32.add (local.get $w6) (local.get $row)))
        (local.set $a0 (v128.const i32x4 0 0 0 0))
        (local.set $a1 (v128.const i32x4 0 0 0 0))
        (local.set $a2 (v128.const i32x4 0 0 0 0))
        (local.set $a3 (v128.const i32x4 0 0 0 0))
        (local.set $a4 (v128.const i32x4 0 0 0 0))
        (local.set $a5 (v128.const i32x4 0 0 0 0))
        (local.set $a6 (v128.const i32x4 0 0 0 0))
        (local.set $a7 (v128.const i32x4 0 0 0 0))
        (local.set $c (i32.const 0))
        (block $vecDone
          (br_if $vecDone (i32.eqz (local.get $vec)))
          (loop $vec4
            (local.set $xv (v128.load (i32.add (local.get $x) (local.get $c))))
            (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (i32.add (local.get $w0) (local.get $c))) (local.get $xv))))
            (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load (i32.add (local.get $w1) (local.get $c))) (local.get $xv))))
            (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load (i32.add (local.get $w2) (local.get $c))) (local.get $xv))))
            (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load (i32.add (local.get $w3) (local.get $c))) (local.get $xv))))
            (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (v128.load (i32.add (local.get $w4) (local.get $c))) (local.get $xv))))
            (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (v128.load (i32.add (local.get $w5) (local.get $c))) (local.get $xv))))
            (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (v128.load (i32.add (local.get $w6) (local.get $c))) (local.get $xv))))
            (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (v128.load (i32.add (local.get $w7) (local.get $c))) (local.get $xv))))
            (local.set $c (i32.add (local.get $c) (i32.const 16)))
            (br_if $vec4 (i32.lt_u (local.get $c) (local.get $vec)))))
        (local.set $ab
          (f32x4.add
            (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a0) (local.get $a1))
            (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a0) (local.get $a1))))
        (local.set $cd
          (f32x4.add
            (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a2) (local.get $a3))
            (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a2) (local.get $a3))))
        (local.set $a0
          (f32x4.add
            (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $ab) (local.get $cd))
            (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $ab) (local.get $cd))))
        (local.set $ab
          (f32x4.add
            (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a4) (local.get $a5))
            (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a4) (local.get $a5))))
        (local.set $cd
          (f32x4.add
            (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a6) (local.get $a7))
            (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a6) (local.get $a7))))
        (local.set $a4
          (f32x4.add
            (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $ab) (local.get $cd))
            (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $ab) (local.get $cd))))
        (if (i32.lt_u (local.get $vec) (local.get $row))
          (then
            (local.set $a0 (f32x4.add (local.get $a0) (f32x4.replace_lane 3 (f32x4.replace_lane 2 (f32x4.replace_lane 1 (f32x4.splat (call $tailDot (local.get $x) (local.get $w0) (local.get $vec) (local.get $row))) (call $tailDot (local.get $x) (local.get $w1) (local.get $vec) (local.get $row))) (call $tailDot (local.get $x) (local.get $w2) (local.get $vec) (local.get $row))) (call $tailDot (local.get $x) (local.get $w3) (local.get $vec) (local.get $row)))))
            (local.set $a4 (f32x4.add (local.get $a4) (f32x4.replace_lane 3 (f32x4.replace_lane 2 (f32x4.replace_lane 1 (f32x4.splat (call $tailDot (local.get $x) (local.get $w4) (local.get $vec) (local.get $row))) (call $tailDot (local.get $x) (local.get $w5) (local.get $vec) (local.get $row))) (call $tailDot (local.get $x) (local.get $w6) (local.get $vec) (local.get $row))) (call $tailDot (local.get $x) (local.get $w7) (local.get $vec) (local.get $row)))))))
        (local.set $w0 (i32.add (local.get $out) (i32.shl (local.get $r) (i32.const 2))))
        (v128.store offset=0 (local.get $w0) (local.get $a0))
        (v128.store offset=16 (local.get $w0) (local.get $a4))
        (local.set $r (i32.add (local.get $r) (i32.const 8)))
        (br $rows8)))
    ;; The last rows mod 8 rows, one at a time.
    (block $done
      (loop $one
        (br_if $done (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $w0 (i32.add (local.get $w) (i32.mul (local.get $r) (local.get $row))))
        (local.set $a0 (v128.const i32x4 0 0 0 0))
        (local.set $c (i32.const 0))
        (block $vecDone1
          (loop $vec1
            (br_if $vecDone1 (i32.ge_u (local.get $c) (local.get $vec)))
            (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (i32.add (local.get $w0) (local.get $c))) (v128.load (i32.add (local.get $x) (local.get $c))))))
            (local.set $c (i32.add (local.get $c) (i32.const 16)))
            (br $vec1)))
        (local.set $s0 (f32.add (call $hsum (local.get $a0)) (call $tailDot (local.get $x) (local.get $w0) (local.get $vec) (local.get $row))))
        (f32.store (i32.add (local.get $out) (i32.shl (local.get $r) (i32.const 2))) (local.get $s0))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $one)))
  )
)
