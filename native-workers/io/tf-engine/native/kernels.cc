// Native float32 kernels for the training hot spots of the tfjs wasm backend, computed by oneDNN (Debian's libdnnl,
// the library PyTorch's CPU convolutions and batch norms run on) directly on the wasm heap: the JS side passes
// Float32Array views of the tensors' heap ranges, so no tensor is copied. Layouts are tfjs's: activations NHWC, conv
// filters HWIO, depthwise filters [kh, kw, C, multiplier] (oneDNN's hwigo with one input channel per group).
// Primitives are created once per shape and cached: creating one costs about a millisecond, running a small one less.
// Every entry point checks the views' lengths against the shapes it is given, so a wrong call throws instead of
// writing outside a tensor.
#include <node_api.h>
#include <omp.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <oneapi/dnnl/dnnl.hpp>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

namespace {

using namespace dnnl;
using dt = memory::data_type;
using tag = memory::format_tag;

engine& cpu() {
  static engine e(engine::kind::cpu, 0);
  return e;
}
stream& cpuStream() {
  static stream s(cpu());
  return s;
}

// ------------------------------------------------------------------------------------------------------------------
// N-API plumbing

struct View {
  float* data = nullptr;
  size_t length = 0;
};

void check(napi_status s, const char* what) {
  if (s != napi_ok) throw std::runtime_error(std::string("N-API call failed: ") + what);
}

View floatView(napi_env env, napi_value v, const char* name, bool nullable = false) {
  napi_valuetype type;
  check(napi_typeof(env, v, &type), "typeof");
  if (nullable && (type == napi_null || type == napi_undefined)) return {};
  bool isTyped = false;
  check(napi_is_typedarray(env, v, &isTyped), "is_typedarray");
  if (!isTyped) throw std::invalid_argument(std::string(name) + " must be a Float32Array");
  napi_typedarray_type ta;
  size_t length;
  void* data;
  napi_value buffer;
  size_t offset;
  check(napi_get_typedarray_info(env, v, &ta, &length, &data, &buffer, &offset), "typedarray_info");
  if (ta != napi_float32_array) throw std::invalid_argument(std::string(name) + " must be a Float32Array");
  return {static_cast<float*>(data), length};
}

std::vector<int64_t> intParams(napi_env env, napi_value v, size_t expected, const char* name) {
  napi_typedarray_type ta;
  size_t length;
  void* data;
  napi_value buffer;
  size_t offset;
  bool isTyped = false;
  check(napi_is_typedarray(env, v, &isTyped), "is_typedarray");
  if (!isTyped) throw std::invalid_argument(std::string(name) + " must be an Int32Array");
  check(napi_get_typedarray_info(env, v, &ta, &length, &data, &buffer, &offset), "typedarray_info");
  if (ta != napi_int32_array || length != expected) {
    throw std::invalid_argument(std::string(name) + " must be an Int32Array of " + std::to_string(expected));
  }
  const int32_t* p = static_cast<const int32_t*>(data);
  return std::vector<int64_t>(p, p + length);
}

double number(napi_env env, napi_value v, const char* name) {
  double d;
  if (napi_get_value_double(env, v, &d) != napi_ok) throw std::invalid_argument(std::string(name) + " must be a number");
  return d;
}

void expectLength(const View& v, size_t n, const char* name) {
  if (v.length != n) {
    throw std::invalid_argument(std::string(name) + " has " + std::to_string(v.length) + " elements, the shape needs " +
                                std::to_string(n));
  }
}

template <size_t N>
std::vector<napi_value> args(napi_env env, napi_callback_info info) {
  size_t argc = N;
  std::vector<napi_value> argv(N);
  check(napi_get_cb_info(env, info, &argc, argv.data(), nullptr, nullptr), "cb_info");
  if (argc < N) throw std::invalid_argument("expected " + std::to_string(N) + " arguments, got " + std::to_string(argc));
  return argv;
}

/** Runs body, turning C++ and oneDNN exceptions into a JS Error. */
template <typename F>
napi_value guarded(napi_env env, F body) {
  try {
    return body();
  } catch (const dnnl::error& e) {
    napi_throw_error(env, "ERR_ONEDNN", (std::string("oneDNN: ") + e.what()).c_str());
  } catch (const std::exception& e) {
    napi_throw_error(env, "ERR_NATIVE_KERNEL", e.what());
  }
  return nullptr;
}

// ------------------------------------------------------------------------------------------------------------------
// Convolution (plain and depthwise), forward, backward data, backward weights

/**
 * oneDNN's scratch memory, held here (scratchpad_mode::user) for every convolution and matrix product, with 64 KiB of
 * slack after it whose first 4 KiB each call fills and checks. Some of oneDNN's implementations have written past
 * their scratch memory (uxlfoundation/oneDNN#6035: 1x1 strided backward-weights with fewer input channels than its
 * SIMD block; overruns of up to 16 KiB measured here), which corrupts the heap and the result: the slack absorbs such
 * writes and the check turns them into an error instead of a wrong gradient. Filling and checking 4 KiB per call
 * costs about a microsecond.
 */
class Scratchpad {
 public:
  memory bind(const memory::desc& d) {
    used_ = d.get_size();
    const size_t need = used_ + kSlack + kAlign;
    if (bytes_.size() < need) bytes_.assign(need, kFill);
    std::memset(base() + used_, kFill, kChecked);
    return memory(d, cpu(), base());
  }
  /** Throws when the call just made wrote past its scratch memory. */
  void check(const std::string& impl, const std::string& shape) const {
    const unsigned char* after = base() + used_;
    size_t touched = 0;
    for (size_t i = 0; i < kChecked; i++) touched += after[i] != kFill;
    if (touched) {
      throw std::runtime_error("oneDNN's " + impl + " wrote past its scratch memory (" + std::to_string(touched) +
                               " bytes after it changed) for " + shape + "; its result cannot be trusted");
    }
  }

 private:
  static constexpr size_t kSlack = 64 << 10, kChecked = 4 << 10, kAlign = 64;
  static constexpr unsigned char kFill = 0xA5;
  unsigned char* base() const {
    auto p = reinterpret_cast<uintptr_t>(bytes_.data());
    return reinterpret_cast<unsigned char*>((p + kAlign - 1) & ~uintptr_t(kAlign - 1));
  }
  std::vector<unsigned char> bytes_;
  size_t used_ = 0;
};

Scratchpad& scratchpad() {
  static Scratchpad s;
  return s;
}

/** Attributes every primitive here is created with: the caller's post-ops, scratch memory held by Scratchpad. */
primitive_attr withUserScratchpad(primitive_attr attr = primitive_attr()) {
  attr.set_scratchpad_mode(scratchpad_mode::user);
  return attr;
}

/** The Int32Array every convolution entry point takes, in this order. Dilations are tfjs's (1 = none). */
struct ConvShape {
  int64_t n, h, w, ic, oh, ow, oc, kh, kw, sh, sw, dh, dw, pt, pl, pb, pr, groups, activation, hasBias;
  static constexpr size_t kCount = 20;
  static ConvShape from(const std::vector<int64_t>& p) {
    ConvShape s{p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9],
                p[10], p[11], p[12], p[13], p[14], p[15], p[16], p[17], p[18], p[19]};
    if (s.groups < 1 || s.ic % s.groups || s.oc % s.groups) throw std::invalid_argument("groups must divide channels");
    if (s.groups > 1 && s.ic != s.groups) throw std::invalid_argument("only depthwise grouping (one input channel per group)");
    return s;
  }
  std::string key(const char* op) const {
    std::string k(op);
    for (int64_t v : {n, h, w, ic, oh, ow, oc, kh, kw, sh, sw, dh, dw, pt, pl, pb, pr, groups, activation, hasBias}) {
      k += ',' + std::to_string(v);
    }
    return k;
  }
  size_t srcSize() const { return size_t(n * h * w * ic); }
  size_t dstSize() const { return size_t(n * oh * ow * oc); }
  size_t weightSize() const { return size_t(kh * kw * (ic / groups) * oc); }
  memory::desc src() const { return memory::desc({n, ic, h, w}, dt::f32, tag::nhwc); }
  memory::desc dst() const { return memory::desc({n, oc, oh, ow}, dt::f32, tag::nhwc); }
  /**
   * Activations as the primitives may lay them out: NHWC as tfjs holds them, or (IMAGENOT_ONEDNN_BLOCKED=1) oneDNN's
   * choice, converted in and out. Measured on a ResNet-152 step at 96 px, batch 8: blocked convolutions 261 ms vs
   * NHWC 296 ms, but the conversions cost 211 ms vs 104 ms, so NHWC is the default.
   */
  tag activationTag() const { return groups > 1 || blockedActivations() == 0 ? tag::nhwc : tag::any; }
  static int blockedActivations() {
    static int on = [] {
      const char* v = std::getenv("IMAGENOT_ONEDNN_BLOCKED");
      return v && v[0] == '1' ? 1 : 0;
    }();
    return on;
  }
  memory::desc srcAny() const { return memory::desc({n, ic, h, w}, dt::f32, activationTag()); }
  memory::desc dstAny() const { return memory::desc({n, oc, oh, ow}, dt::f32, activationTag()); }
  memory::dims weightDims() const {
    if (groups == 1) return {oc, ic, kh, kw};
    return {groups, oc / groups, ic / groups, kh, kw};
  }
  memory::desc userWeights() const { return memory::desc(weightDims(), dt::f32, groups == 1 ? tag::hwio : tag::hwigo); }
  memory::desc anyWeights() const { return memory::desc(weightDims(), dt::f32, tag::any); }
  memory::dims strides() const { return {sh, sw}; }
  memory::dims dilations() const { return {dh - 1, dw - 1}; }  // oneDNN counts the gap, tfjs the step
  memory::dims padL() const { return {pt, pl}; }
  memory::dims padR() const { return {pb, pr}; }

  convolution_forward::primitive_desc forwardDesc(bool withBias, const primitive_attr& attr = primitive_attr()) const {
    auto d = withBias ? convolution_forward::desc(prop_kind::forward_training, algorithm::convolution_direct, srcAny(),
                                                  anyWeights(), memory::desc({oc}, dt::f32, tag::x), dstAny(), strides(),
                                                  dilations(), padL(), padR())
                      : convolution_forward::desc(prop_kind::forward_training, algorithm::convolution_direct, srcAny(),
                                                  anyWeights(), dstAny(), strides(), dilations(), padL(), padR());
    return convolution_forward::primitive_desc(d, withUserScratchpad(attr), cpu());
  }
};

/** An operand in the layout a primitive wants, converted from (or back to) tfjs's layout when they differ. */
struct Bridge {
  memory::desc user, wanted;
  bool convert = false;
  memory buffer;
  reorder toWanted, toUser;
  void init(const memory::desc& userDesc, const memory::desc& wantedDesc, bool userToWanted) {
    user = userDesc;
    wanted = wantedDesc;
    convert = user != wanted;
    if (!convert) return;
    buffer = memory(wanted, cpu());
    memory u(user, cpu(), DNNL_MEMORY_NONE);
    if (userToWanted) toWanted = reorder(u, buffer);
    else toUser = reorder(buffer, u);
  }
  /** The operand as the primitive reads it. */
  memory in(float* data) {
    memory u(user, cpu(), data);
    if (!convert) return u;
    toWanted.execute(cpuStream(), u, buffer);
    return buffer;
  }
  /** Where the primitive writes the operand; call out() after running it. */
  memory target(float* data) { return convert ? buffer : memory(user, cpu(), data); }
  void out(float* data) {
    if (!convert) return;
    memory u(user, cpu(), data);
    toUser.execute(cpuStream(), buffer, u);
  }
};

struct ConvForward {
  convolution_forward prim;
  memory::desc scratch;
  Bridge src, weights, dst;
  std::string impl, shape;
};
struct ConvBackwardData {
  convolution_backward_data prim;
  memory::desc scratch;
  Bridge diffDst, weights, diffSrc;
  std::string impl, shape;
};
struct ConvBackwardWeights {
  convolution_backward_weights prim;
  memory::desc scratch;
  Bridge src, diffDst, diffWeights;
  std::string impl, shape;
};

std::unordered_map<std::string, std::unique_ptr<ConvForward>> forwardCache;
std::unordered_map<std::string, std::unique_ptr<ConvBackwardData>> backwardDataCache;
std::unordered_map<std::string, std::unique_ptr<ConvBackwardWeights>> backwardWeightsCache;

primitive_attr activationAttr(int64_t activation) {
  primitive_attr attr;
  if (activation == 0) return attr;
  post_ops ops;
  if (activation == 1) ops.append_eltwise(1.f, algorithm::eltwise_relu, 0.f, 0.f);
  else if (activation == 2) ops.append_eltwise(1.f, algorithm::eltwise_clip, 0.f, 6.f);
  else throw std::invalid_argument("activation must be 0 (linear), 1 (relu) or 2 (relu6)");
  attr.set_post_ops(ops);
  return attr;
}

ConvForward& forwardFor(const ConvShape& s) {
  auto key = s.key("fwd");
  auto it = forwardCache.find(key);
  if (it != forwardCache.end()) return *it->second;
  auto pd = s.forwardDesc(s.hasBias != 0, activationAttr(s.activation));
  auto entry = std::make_unique<ConvForward>();
  entry->prim = convolution_forward(pd);
  entry->src.init(s.src(), pd.src_desc(), true);
  entry->weights.init(s.userWeights(), pd.weights_desc(), true);
  entry->dst.init(s.dst(), pd.dst_desc(), false);
  entry->scratch = pd.scratchpad_desc();
  entry->impl = pd.impl_info_str();
  entry->shape = key;
  return *(forwardCache[key] = std::move(entry));
}

ConvBackwardData& backwardDataFor(const ConvShape& s) {
  auto key = s.key("bwd_data");
  auto it = backwardDataCache.find(key);
  if (it != backwardDataCache.end()) return *it->second;
  auto hint = s.forwardDesc(false);
  auto d = convolution_backward_data::desc(algorithm::convolution_direct, s.srcAny(), s.anyWeights(), s.dstAny(), s.strides(),
                                           s.dilations(), s.padL(), s.padR());
  auto pd = convolution_backward_data::primitive_desc(d, withUserScratchpad(), cpu(), hint);
  auto entry = std::make_unique<ConvBackwardData>();
  entry->prim = convolution_backward_data(pd);
  entry->diffDst.init(s.dst(), pd.diff_dst_desc(), true);
  entry->weights.init(s.userWeights(), pd.weights_desc(), true);
  entry->diffSrc.init(s.src(), pd.diff_src_desc(), false);
  entry->scratch = pd.scratchpad_desc();
  entry->impl = pd.impl_info_str();
  entry->shape = key;
  return *(backwardDataCache[key] = std::move(entry));
}

/**
 * oneDNN 2.x's jit_1x1 backward-weights for a strided 1x1 convolution gathers the strided input into a buffer sized
 * for the real input channels but writes whole SIMD blocks (8 channels with AVX2, 16 with AVX-512), so with fewer
 * channels than a block it writes past that buffer: wrong filter gradients and heap corruption, intermittently with
 * two threads (uxlfoundation/oneDNN#6035, open). Measured here over 16,218 convolutions of every direction (kernels 1
 * and 3, strides 1-3, 1-40 channels, 3-64 px): only this case failed, under the AVX2 and AVX-512 caps. Such
 * convolutions take the next implementation oneDNN offers (gemm-based; they are the small ones, so speed is moot);
 * channel counts that are not a multiple of 16 are routed too, as margin.
 */
void skipUnsafeImplementations(convolution_backward_weights::primitive_desc& pd, const ConvShape& s) {
  const bool strided1x1 = s.kh == 1 && s.kw == 1 && (s.sh > 1 || s.sw > 1) && s.groups == 1;
  if (!strided1x1 || s.ic % 16 == 0) return;
  auto unsafe = [&] { return std::string(pd.impl_info_str()).rfind("jit_1x1", 0) == 0; };
  while (unsafe() && pd.next_impl()) {
  }
  if (unsafe()) throw std::runtime_error("no implementation of " + s.key("bwd_weights") + " other than oneDNN's jit_1x1");
}

ConvBackwardWeights& backwardWeightsFor(const ConvShape& s) {
  auto key = s.key("bwd_weights");
  auto it = backwardWeightsCache.find(key);
  if (it != backwardWeightsCache.end()) return *it->second;
  auto hint = s.forwardDesc(false);
  auto d = convolution_backward_weights::desc(algorithm::convolution_direct, s.srcAny(), s.anyWeights(), s.dstAny(), s.strides(),
                                              s.dilations(), s.padL(), s.padR());
  auto pd = convolution_backward_weights::primitive_desc(d, withUserScratchpad(), cpu(), hint);
  skipUnsafeImplementations(pd, s);
  auto entry = std::make_unique<ConvBackwardWeights>();
  entry->prim = convolution_backward_weights(pd);
  entry->src.init(s.src(), pd.src_desc(), true);
  entry->diffDst.init(s.dst(), pd.diff_dst_desc(), true);
  entry->diffWeights.init(s.userWeights(), pd.diff_weights_desc(), false);
  entry->scratch = pd.scratchpad_desc();
  entry->impl = pd.impl_info_str();
  entry->shape = key;
  return *(backwardWeightsCache[key] = std::move(entry));
}

/** convForward(x, filter, bias | null, y, shape): y = act(conv(x, filter) + bias). */
napi_value ConvForwardEntry(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    auto a = args<5>(env, info);
    auto s = ConvShape::from(intParams(env, a[4], ConvShape::kCount, "shape"));
    View x = floatView(env, a[0], "x"), w = floatView(env, a[1], "filter"), b = floatView(env, a[2], "bias", true);
    View y = floatView(env, a[3], "y");
    expectLength(x, s.srcSize(), "x");
    expectLength(w, s.weightSize(), "filter");
    expectLength(y, s.dstSize(), "y");
    if (s.hasBias) expectLength(b, size_t(s.oc), "bias");
    auto& c = forwardFor(s);
    std::unordered_map<int, memory> m{{DNNL_ARG_SRC, c.src.in(x.data)},
                                      {DNNL_ARG_WEIGHTS, c.weights.in(w.data)},
                                      {DNNL_ARG_DST, c.dst.target(y.data)},
                                      {DNNL_ARG_SCRATCHPAD, scratchpad().bind(c.scratch)}};
    if (s.hasBias) m.emplace(DNNL_ARG_BIAS, memory(memory::desc({s.oc}, dt::f32, tag::x), cpu(), b.data));
    c.prim.execute(cpuStream(), m);
    cpuStream().wait();
    scratchpad().check(c.impl, c.shape);
    c.dst.out(y.data);
    cpuStream().wait();
    return nullptr;
  });
}

/** convBackwardData(dy, filter, dx, shape): the gradient with respect to the convolution's input. */
napi_value ConvBackwardDataEntry(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    auto a = args<4>(env, info);
    auto s = ConvShape::from(intParams(env, a[3], ConvShape::kCount, "shape"));
    View dy = floatView(env, a[0], "dy"), w = floatView(env, a[1], "filter"), dx = floatView(env, a[2], "dx");
    expectLength(dy, s.dstSize(), "dy");
    expectLength(w, s.weightSize(), "filter");
    expectLength(dx, s.srcSize(), "dx");
    auto& c = backwardDataFor(s);
    c.prim.execute(cpuStream(), {{DNNL_ARG_DIFF_DST, c.diffDst.in(dy.data)},
                                 {DNNL_ARG_WEIGHTS, c.weights.in(w.data)},
                                 {DNNL_ARG_DIFF_SRC, c.diffSrc.target(dx.data)},
                                 {DNNL_ARG_SCRATCHPAD, scratchpad().bind(c.scratch)}});
    cpuStream().wait();
    scratchpad().check(c.impl, c.shape);
    c.diffSrc.out(dx.data);
    cpuStream().wait();
    return nullptr;
  });
}

/** convBackwardWeights(x, dy, dfilter, shape): the gradient with respect to the filter. */
napi_value ConvBackwardWeightsEntry(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    auto a = args<4>(env, info);
    auto s = ConvShape::from(intParams(env, a[3], ConvShape::kCount, "shape"));
    View x = floatView(env, a[0], "x"), dy = floatView(env, a[1], "dy"), dw = floatView(env, a[2], "dfilter");
    expectLength(x, s.srcSize(), "x");
    expectLength(dy, s.dstSize(), "dy");
    expectLength(dw, s.weightSize(), "dfilter");
    auto& c = backwardWeightsFor(s);
    c.prim.execute(cpuStream(), {{DNNL_ARG_SRC, c.src.in(x.data)},
                                 {DNNL_ARG_DIFF_DST, c.diffDst.in(dy.data)},
                                 {DNNL_ARG_DIFF_WEIGHTS, c.diffWeights.target(dw.data)},
                                 {DNNL_ARG_SCRATCHPAD, scratchpad().bind(c.scratch)}});
    cpuStream().wait();
    scratchpad().check(c.impl, c.shape);
    c.diffWeights.out(dw.data);
    cpuStream().wait();
    return nullptr;
  });
}

// ------------------------------------------------------------------------------------------------------------------
// Batched matrix product with optional transposes (as strides: nothing is copied), bias and relu/relu6, one side's
// batch broadcast when its batch is 1. tfjs's BatchMatMul and _FusedMatMul.

/** The Int32Array matMul takes: batchA, batchB, M, K, N, transposeA, transposeB, activation, hasBias. */
struct MatMulShape {
  int64_t batchA, batchB, m, k, n, transposeA, transposeB, activation, hasBias;
  static constexpr size_t kCount = 9;
  static MatMulShape from(const std::vector<int64_t>& p) {
    MatMulShape s{p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8]};
    if (s.batchA != s.batchB && s.batchA != 1 && s.batchB != 1) throw std::invalid_argument("batches must match or be 1");
    return s;
  }
  int64_t batch() const { return std::max(batchA, batchB); }
  std::string key() const {
    std::string out("matmul");
    for (int64_t v : {batchA, batchB, m, k, n, transposeA, transposeB, activation, hasBias}) out += ',' + std::to_string(v);
    return out;
  }
  memory::desc a() const {
    return memory::desc({batchA, m, k}, dt::f32, transposeA ? memory::dims{m * k, 1, m} : memory::dims{m * k, k, 1});
  }
  memory::desc b() const {
    return memory::desc({batchB, k, n}, dt::f32, transposeB ? memory::dims{k * n, 1, k} : memory::dims{k * n, n, 1});
  }
  memory::desc out() const { return memory::desc({batch(), m, n}, dt::f32, tag::abc); }
  memory::desc bias() const { return memory::desc({1, 1, n}, dt::f32, tag::abc); }
};

struct CachedMatMul {
  matmul prim;
  memory::desc scratch;
  std::string impl;
};
std::unordered_map<std::string, std::unique_ptr<CachedMatMul>> matmulCache;

/** matMul(a, b, bias | null, out, shape). */
napi_value MatMulEntry(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    auto a = args<5>(env, info);
    auto s = MatMulShape::from(intParams(env, a[4], MatMulShape::kCount, "shape"));
    View x = floatView(env, a[0], "a"), w = floatView(env, a[1], "b"), bias = floatView(env, a[2], "bias", true);
    View y = floatView(env, a[3], "out");
    expectLength(x, size_t(s.batchA * s.m * s.k), "a");
    expectLength(w, size_t(s.batchB * s.k * s.n), "b");
    expectLength(y, size_t(s.batch() * s.m * s.n), "out");
    if (s.hasBias) expectLength(bias, size_t(s.n), "bias");
    auto key = s.key();
    auto it = matmulCache.find(key);
    if (it == matmulCache.end()) {
      auto d = s.hasBias ? matmul::desc(s.a(), s.b(), s.bias(), s.out()) : matmul::desc(s.a(), s.b(), s.out());
      auto pd = matmul::primitive_desc(d, withUserScratchpad(activationAttr(s.activation)), cpu());
      it = matmulCache.emplace(key, std::make_unique<CachedMatMul>(CachedMatMul{matmul(pd), pd.scratchpad_desc(), pd.impl_info_str()})).first;
    }
    std::unordered_map<int, memory> m{{DNNL_ARG_SRC, memory(s.a(), cpu(), x.data)},
                                      {DNNL_ARG_WEIGHTS, memory(s.b(), cpu(), w.data)},
                                      {DNNL_ARG_DST, memory(s.out(), cpu(), y.data)},
                                      {DNNL_ARG_SCRATCHPAD, scratchpad().bind(it->second->scratch)}};
    if (s.hasBias) m.emplace(DNNL_ARG_BIAS, memory(s.bias(), cpu(), bias.data));
    it->second->prim.execute(cpuStream(), m);
    cpuStream().wait();
    scratchpad().check(it->second->impl, key);
    return nullptr;
  });
}

// ------------------------------------------------------------------------------------------------------------------
// Training-mode batch normalization over all axes but the last (channels-last: a [rows, C] array), with scale and
// shift. The contract (core/architectures/fused-ops.ts) passes invStd = 1/sqrt(biased var + eps) from forward to
// backward. Hand-written rather than oneDNN's: its bnorm_jit synchronises threads with a spinning barrier, which on
// two busy cores took 1-10 ms per call instead of 0.1 (measured in a MobileNetV3 step); these loops use OpenMP's own
// (passive) barriers and are memory-bound like any batch norm.

// The element loops (element-loops.inc) are compiled once per instruction set: AVX-512 (x86-64-v4), AVX2 (x86-64-v3)
// and baseline x86-64 (or the target's baseline elsewhere). The best the CPU supports is chosen at load time, or the one
// IMAGENOT_NATIVE_LOOPS names (avx512 | avx2 | baseline), so that a machine with AVX-512 also tests the other paths:
// the addon may be built on one machine and run on another.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define IMAGENOT_X86_LOOPS 1
#pragma GCC push_options
#pragma GCC target("arch=x86-64-v4")
namespace loops_avx512 {
#include "element-loops.inc"
}
#pragma GCC pop_options
#pragma GCC push_options
#pragma GCC target("arch=x86-64-v3")
namespace loops_avx2 {
#include "element-loops.inc"
}
#pragma GCC pop_options
#endif
namespace loops_baseline {
#include "element-loops.inc"
}

/** One instruction set's build of every element loop. */
struct ElementLoops {
  std::string isa;
  decltype(&loops_baseline::accumulateMoments) accumulateMoments;
  decltype(&loops_baseline::accumulateGradSums) accumulateGradSums;
  decltype(&loops_baseline::affineRows) affineRows;
  decltype(&loops_baseline::batchNormGradRows) batchNormGradRows;
  decltype(&loops_baseline::momentumRange) momentumRange;
  decltype(&loops_baseline::reluGradRange) reluGradRange;
  decltype(&loops_baseline::hardSwishRange) hardSwishRange;
  decltype(&loops_baseline::hardSwishGradRange) hardSwishGradRange;
};
#define ELEMENT_LOOPS(ns, name)                                                                                         \
  ElementLoops {                                                                                                       \
    name, ns::accumulateMoments, ns::accumulateGradSums, ns::affineRows, ns::batchNormGradRows, ns::momentumRange,     \
        ns::reluGradRange, ns::hardSwishRange, ns::hardSwishGradRange                                                  \
  }

/** The builds this CPU can run, best first. */
std::vector<ElementLoops> runnableLoops() {
  std::vector<ElementLoops> out;
#ifdef IMAGENOT_X86_LOOPS
  __builtin_cpu_init();
  if (__builtin_cpu_supports("x86-64-v4")) out.push_back(ELEMENT_LOOPS(loops_avx512, "avx512"));
  if (__builtin_cpu_supports("x86-64-v3")) out.push_back(ELEMENT_LOOPS(loops_avx2, "avx2"));
#endif
  out.push_back(ELEMENT_LOOPS(loops_baseline, "baseline"));
  return out;
}

/** The build every entry point uses: chosen once, by Init, from IMAGENOT_NATIVE_LOOPS or the CPU. */
ElementLoops chosenLoops = ELEMENT_LOOPS(loops_baseline, "baseline");
const ElementLoops& loops() { return chosenLoops; }

/** Chooses the build; a requested instruction set the CPU lacks (or an unknown name) is an error, not a quiet fallback. */
void chooseLoops() {
  auto runnable = runnableLoops();
  const char* want = std::getenv("IMAGENOT_NATIVE_LOOPS");
  if (!want || !*want) {
    chosenLoops = runnable.front();
    return;
  }
  std::string names;
  for (auto& l : runnable) {
    if (l.isa == want) {
      chosenLoops = l;
      return;
    }
    names += (names.empty() ? "" : ", ") + l.isa;
  }
  throw std::invalid_argument(std::string("IMAGENOT_NATIVE_LOOPS=") + want + ": this CPU runs " + names);
}

/** The rows [r0, r1) of the static share of `rows` that OpenMP thread t of n takes. */
std::pair<int64_t, int64_t> shareOf(int64_t rows, int t, int n) {
  const int64_t per = (rows + n - 1) / n;
  return {std::min(rows, per * t), std::min(rows, per * (t + 1))};
}

/** Per-channel double totals of two sums over all rows, each thread summing its share. */
struct ChannelSums {
  std::vector<double> a, b;
};

template <typename Accumulate>
ChannelSums sumRows(int64_t rows, int64_t channels, Accumulate accumulate) {
  const int threads = omp_get_max_threads();
  const size_t C = size_t(channels);
  std::vector<double> parts(size_t(threads) * 2 * C, 0.0);
#pragma omp parallel num_threads(threads)
  {
    const int t = omp_get_thread_num();
    auto [r0, r1] = shareOf(rows, t, omp_get_num_threads());
    std::vector<float> scratch(2 * C);
    accumulate(r0, r1, parts.data() + size_t(t) * 2 * C, parts.data() + size_t(t) * 2 * C + C, scratch.data(), scratch.data() + C);
  }
  ChannelSums total{std::vector<double>(C), std::vector<double>(C)};
  for (int t = 0; t < threads; t++) {
    for (size_t c = 0; c < C; c++) {
      total.a[c] += parts[size_t(t) * 2 * C + c];
      total.b[c] += parts[size_t(t) * 2 * C + C + c];
    }
  }
  return total;
}

/** Runs f(r0, r1) over each thread's static share of the rows. */
template <typename F>
void forRowShares(int64_t rows, F f) {
#pragma omp parallel
  {
    auto [r0, r1] = shareOf(rows, omp_get_thread_num(), omp_get_num_threads());
    if (r0 < r1) f(r0, r1);
  }
}

/** Runs f(i0, i1) over n elements: on this thread when n is small (waking the team costs more), else shared out. */
template <typename F>
void overElements(int64_t n, F f) {
  if (n < 65536) f(0, n);
  else forRowShares(n, f);
}

/** batchNormTrain(x, gamma, beta, y, mean, invStd, rows, channels, eps, relu). */
napi_value BatchNormTrainEntry(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    auto a = args<10>(env, info);
    bool relu = false;
    check(napi_get_value_bool(env, a[9], &relu), "relu must be a boolean");
    auto rows = int64_t(number(env, a[6], "rows")), channels = int64_t(number(env, a[7], "channels"));
    double eps = number(env, a[8], "eps");
    View x = floatView(env, a[0], "x"), gamma = floatView(env, a[1], "gamma"), beta = floatView(env, a[2], "beta");
    View y = floatView(env, a[3], "y"), mean = floatView(env, a[4], "mean"), invStd = floatView(env, a[5], "invStd");
    for (auto [v, name] : {std::pair{x, "x"}, {y, "y"}}) expectLength(v, size_t(rows * channels), name);
    for (auto [v, name] : {std::pair{gamma, "gamma"}, {beta, "beta"}, {mean, "mean"}, {invStd, "invStd"}}) {
      expectLength(v, size_t(channels), name);
    }
    if (rows < 1) throw std::invalid_argument("batch norm over no rows");
    const int64_t C = channels;
    const float* xs = x.data;
    // Sums of x - x[0] (shifted: no cancellation when the mean is large against the spread).
    const float* shift = xs;
    ChannelSums sums = sumRows(rows, C, [&](int64_t r0, int64_t r1, double* s, double* ss, float* bs, float* bss) {
      loops().accumulateMoments(xs, shift, r0, r1, C, s, ss, bs, bss);
    });
    std::vector<float> scale(static_cast<size_t>(C)), offset(static_cast<size_t>(C));
    for (int64_t c = 0; c < C; c++) {
      double m = sums.a[size_t(c)] / double(rows);
      double var = std::max(0.0, sums.b[size_t(c)] / double(rows) - m * m);
      double mu = m + double(shift[c]);
      double inv = 1.0 / std::sqrt(var + eps);
      mean.data[c] = float(mu);
      invStd.data[c] = float(inv);
      scale[size_t(c)] = float(double(gamma.data[c]) * inv);
      offset[size_t(c)] = float(double(beta.data[c]) - mu * double(gamma.data[c]) * inv);
    }
    forRowShares(rows, [&](int64_t r0, int64_t r1) { loops().affineRows(xs, y.data, scale.data(), offset.data(), relu, r0, r1, C); });
    return nullptr;
  });
}

/**
 * batchNormTrainGrad(dy, x, gamma, mean, invStd, dx, dgamma, dbeta, rows, channels, y | null), y for a BN fused with ReLU:
 * dbeta = sum dy, dgamma = sum dy * xhat, dx = gamma * invStd / N * (N dy - dbeta - xhat dgamma), written as
 * dx = p dy + q x + r per channel.
 */
napi_value BatchNormTrainGradEntry(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    auto a = args<11>(env, info);
    auto rows = int64_t(number(env, a[8], "rows")), channels = int64_t(number(env, a[9], "channels"));
    View mask = floatView(env, a[10], "y", true);  // the fused BN+ReLU's output, or null
    View dy = floatView(env, a[0], "dy"), x = floatView(env, a[1], "x"), gamma = floatView(env, a[2], "gamma");
    View mean = floatView(env, a[3], "mean"), invStd = floatView(env, a[4], "invStd"), dx = floatView(env, a[5], "dx");
    View dgamma = floatView(env, a[6], "dgamma"), dbeta = floatView(env, a[7], "dbeta");
    for (auto [v, name] : {std::pair{dy, "dy"}, {x, "x"}, {dx, "dx"}}) expectLength(v, size_t(rows * channels), name);
    for (auto [v, name] : {std::pair{gamma, "gamma"}, {mean, "mean"}, {invStd, "invStd"}, {dgamma, "dgamma"}, {dbeta, "dbeta"}}) {
      expectLength(v, size_t(channels), name);
    }
    if (rows < 1) throw std::invalid_argument("batch norm over no rows");
    if (mask.data) expectLength(mask, size_t(rows * channels), "y");
    const int64_t C = channels;
    const float *g = dy.data, *xs = x.data, *mu = mean.data, *mk = mask.data;
    // a: sum dy, b: sum dy * (x - mean)
    ChannelSums sums = sumRows(rows, C, [&](int64_t r0, int64_t r1, double* s, double* sx, float* bs, float* bsx) {
      loops().accumulateGradSums(g, xs, mu, mk, r0, r1, C, s, sx, bs, bsx);
    });
    std::vector<float> p(static_cast<size_t>(C)), q(static_cast<size_t>(C)), r0(static_cast<size_t>(C));
    const double n = double(rows);
    for (int64_t c = 0; c < C; c++) {
      double inv = invStd.data[c], gm = gamma.data[c];
      double db = sums.a[size_t(c)], dg = sums.b[size_t(c)] * inv;
      dbeta.data[c] = float(db);
      dgamma.data[c] = float(dg);
      double pc = gm * inv, qc = -gm * inv * inv * dg / n;
      p[size_t(c)] = float(pc);
      q[size_t(c)] = float(qc);
      r0[size_t(c)] = float(-pc * db / n - qc * double(mu[c]));
    }
    forRowShares(rows, [&](int64_t a0, int64_t a1) { loops().batchNormGradRows(g, xs, mk, dx.data, p.data(), q.data(), r0.data(), a0, a1, C); });
    return nullptr;
  });
}

/**
 * batchNormMovingStats(movingMean, movingVariance, mean, invStd, newMean, newVariance, momentum, eps, unbias):
 * torch's running averages (core/architectures/fused-ops.ts movingStatsUpdate), one small loop instead of ten kernels.
 */
napi_value BatchNormMovingStatsEntry(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    auto a = args<9>(env, info);
    View mm = floatView(env, a[0], "movingMean"), mv = floatView(env, a[1], "movingVariance");
    View mean = floatView(env, a[2], "mean"), invStd = floatView(env, a[3], "invStd");
    View nm = floatView(env, a[4], "newMean"), nv = floatView(env, a[5], "newVariance");
    const double m = number(env, a[6], "momentum"), eps = number(env, a[7], "eps"), unbias = number(env, a[8], "unbias");
    for (auto [v, name] : {std::pair{mv, "movingVariance"}, {mean, "mean"}, {invStd, "invStd"}, {nm, "newMean"}, {nv, "newVariance"}}) {
      expectLength(v, mm.length, name);
    }
    for (size_t c = 0; c < mm.length; c++) {
      const double inv = invStd.data[c];
      const double variance = std::max(0.0, 1.0 / (inv * inv) - eps);
      nm.data[c] = float((1.0 - m) * mm.data[c] + m * mean.data[c]);
      nv.data[c] = float((1.0 - m) * mv.data[c] + m * unbias * variance);
    }
    return nullptr;
  });
}

// ------------------------------------------------------------------------------------------------------------------
// Max-pool gradient, NHWC: each window's gradient goes to its first maximum (in row-major window order, strictly
// greater wins, as tfjs's cpu backend picks it). wasm's own kernel is a scalar loop: 27 ms for ResNet's one pool.

/** maxPoolGrad(x, dy, dx, shape = [n, h, w, c, oh, ow, sh, sw, dh, dw, fh, fw, pt, pl]) with fh/fw the effective sizes. */
napi_value MaxPoolGradEntry(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    auto a = args<4>(env, info);
    auto p = intParams(env, a[3], 14, "shape");
    const int64_t n = p[0], h = p[1], w = p[2], c = p[3], oh = p[4], ow = p[5], sh = p[6], sw = p[7], dh = p[8], dw = p[9];
    const int64_t fh = p[10], fw = p[11], pt = p[12], pl = p[13];
    View x = floatView(env, a[0], "x"), dy = floatView(env, a[1], "dy"), dx = floatView(env, a[2], "dx");
    expectLength(x, size_t(n * h * w * c), "x");
    expectLength(dy, size_t(n * oh * ow * c), "dy");
    expectLength(dx, size_t(n * h * w * c), "dx");
    const float *xs = x.data, *gs = dy.data;
    float* out = dx.data;
#pragma omp parallel for schedule(static)
    for (int64_t b = 0; b < n; b++) {
      const float* xb = xs + b * h * w * c;
      float* db = out + b * h * w * c;
      std::memset(db, 0, size_t(h * w * c) * sizeof(float));
      std::vector<float> best(static_cast<size_t>(c));
      std::vector<int64_t> where(static_cast<size_t>(c));
      for (int64_t y = 0; y < oh; y++) {
        for (int64_t z = 0; z < ow; z++) {
          std::fill(best.begin(), best.end(), -INFINITY);
          std::fill(where.begin(), where.end(), -1);
          for (int64_t i = 0; i < fh; i += dh) {
            const int64_t iy = y * sh - pt + i;
            if (iy < 0 || iy >= h) continue;
            for (int64_t j = 0; j < fw; j += dw) {
              const int64_t ix = z * sw - pl + j;
              if (ix < 0 || ix >= w) continue;
              const int64_t at = (iy * w + ix) * c;
              const float* px = xb + at;
              for (int64_t k = 0; k < c; k++) {
                if (px[k] > best[size_t(k)]) {
                  best[size_t(k)] = px[k];
                  where[size_t(k)] = at + k;
                }
              }
            }
          }
          const float* g = gs + ((b * oh + y) * ow + z) * c;
          for (int64_t k = 0; k < c; k++) {
            if (where[size_t(k)] >= 0) db[where[size_t(k)]] += g[k];
          }
        }
      }
    }
    return nullptr;
  });
}

// ------------------------------------------------------------------------------------------------------------------
// SGD with momentum, one pass (core/training/fused-momentum.ts): acc' = m acc + g; value' = value - lr acc'
// (nesterov: value - lr (g + m acc')).

/** reluGrad(dy, x, dx): dx = x > 0 ? dy : 0. */
napi_value ReluGradEntry(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    auto a = args<3>(env, info);
    View dy = floatView(env, a[0], "dy"), x = floatView(env, a[1], "x"), dx = floatView(env, a[2], "dx");
    expectLength(x, dy.length, "x");
    expectLength(dx, dy.length, "dx");
    const int64_t n = int64_t(dy.length);
    overElements(n, [&](int64_t i0, int64_t i1) { loops().reluGradRange(dy.data, x.data, dx.data, i0, i1); });
    return nullptr;
  });
}

/** momentumUpdate(value, accumulation, gradient, newValue, newAccumulation, learningRate, momentum, nesterov). */
napi_value MomentumUpdateEntry(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    auto a = args<8>(env, info);
    View v = floatView(env, a[0], "value"), acc = floatView(env, a[1], "accumulation"), g = floatView(env, a[2], "gradient");
    View nv = floatView(env, a[3], "newValue"), nacc = floatView(env, a[4], "newAccumulation");
    const float lr = float(number(env, a[5], "learningRate")), m = float(number(env, a[6], "momentum"));
    bool nesterov = false;
    check(napi_get_value_bool(env, a[7], &nesterov), "nesterov must be a boolean");
    for (auto [view, name] : {std::pair{acc, "accumulation"}, {g, "gradient"}, {nv, "newValue"}, {nacc, "newAccumulation"}}) {
      expectLength(view, v.length, name);
    }
    const float *vs = v.data, *as = acc.data, *gs = g.data;
    float *vo = nv.data, *ao = nacc.data;
    const int64_t n = int64_t(v.length);
    overElements(n, [&](int64_t i0, int64_t i1) { loops().momentumRange(vs, as, gs, vo, ao, lr, m, nesterov, i0, i1); });
    return nullptr;
  });
}

// ------------------------------------------------------------------------------------------------------------------
// Hard-swish (torch.nn.Hardswish) and its gradient with torch's convention at the kinks.

napi_value HardSwishEntry(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    auto a = args<2>(env, info);
    View x = floatView(env, a[0], "x"), y = floatView(env, a[1], "y");
    expectLength(y, x.length, "y");
    overElements(int64_t(x.length), [&](int64_t i0, int64_t i1) { loops().hardSwishRange(x.data, y.data, i0, i1); });
    return nullptr;
  });
}

/** torch's hardswish_backward: 0 below -3, dy above 3, dy * (2x + 3) / 6 between (both ends included there). */
napi_value HardSwishGradEntry(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    auto a = args<3>(env, info);
    View dy = floatView(env, a[0], "dy"), x = floatView(env, a[1], "x"), dx = floatView(env, a[2], "dx");
    expectLength(x, dy.length, "x");
    expectLength(dx, dy.length, "dx");
    overElements(int64_t(dy.length), [&](int64_t i0, int64_t i1) { loops().hardSwishGradRange(dy.data, x.data, dx.data, i0, i1); });
    return nullptr;
  });
}

// ------------------------------------------------------------------------------------------------------------------
// Introspection and threads

napi_value SetThreadsEntry(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    auto a = args<1>(env, info);
    omp_set_num_threads(std::max(1, int(number(env, a[0], "threads"))));
    return nullptr;
  });
}

/** The instruction set oneDNN dispatches to (its ONEDNN_MAX_CPU_ISA cap applied), in ONEDNN_MAX_CPU_ISA's spelling. */
std::string isaName(cpu_isa isa) {
  switch (isa) {
    case cpu_isa::sse41: return "SSE41";
    case cpu_isa::avx: return "AVX";
    case cpu_isa::avx2: return "AVX2";
    case cpu_isa::avx2_vnni: return "AVX2_VNNI";
    case cpu_isa::avx512_mic: return "AVX512_MIC";
    case cpu_isa::avx512_mic_4ops: return "AVX512_MIC_4OPS";
    case cpu_isa::avx512_core: return "AVX512_CORE";
    case cpu_isa::avx512_core_vnni: return "AVX512_CORE_VNNI";
    case cpu_isa::avx512_core_bf16: return "AVX512_CORE_BF16";
    case cpu_isa::avx512_core_amx: return "AVX512_CORE_AMX";
    case cpu_isa::all: return "ALL";
    default: return "isa " + std::to_string(int(isa));
  }
}

napi_value InfoEntry(napi_env env, napi_callback_info) {
  return guarded(env, [&]() -> napi_value {
    napi_value out, v;
    check(napi_create_object(env, &out), "object");
    const dnnl_version_t* ver = dnnl_version();
    std::string version = std::to_string(ver->major) + '.' + std::to_string(ver->minor) + '.' + std::to_string(ver->patch);
    check(napi_create_string_utf8(env, version.c_str(), NAPI_AUTO_LENGTH, &v), "string");
    check(napi_set_named_property(env, out, "onednn", v), "set");
    check(napi_create_int32(env, omp_get_max_threads(), &v), "int");
    check(napi_set_named_property(env, out, "threads", v), "set");
    auto setString = [&](const char* name, const std::string& value) {
      napi_value s;
      check(napi_create_string_utf8(env, value.c_str(), NAPI_AUTO_LENGTH, &s), "string");
      check(napi_set_named_property(env, out, name, s), "set");
    };
    setString("isa", isaName(get_effective_cpu_isa()));
    setString("loops", loops().isa);
    napi_value runnable;
    check(napi_create_array(env, &runnable), "array");
    uint32_t r = 0;
    for (auto& l : runnableLoops()) {
      napi_value s;
      check(napi_create_string_utf8(env, l.isa.c_str(), NAPI_AUTO_LENGTH, &s), "string");
      check(napi_set_element(env, runnable, r++, s), "element");
    }
    check(napi_set_named_property(env, out, "runnableLoops", runnable), "set");
    napi_value impls;
    check(napi_create_array(env, &impls), "array");
    uint32_t i = 0;
    auto push = [&](const std::string& key, const std::string& impl) {
      napi_value s;
      std::string line = key + " -> " + impl;
      check(napi_create_string_utf8(env, line.c_str(), NAPI_AUTO_LENGTH, &s), "string");
      check(napi_set_element(env, impls, i++, s), "element");
    };
    for (auto& [k, e] : forwardCache) push(k, e->impl);
    for (auto& [k, e] : backwardDataCache) push(k, e->impl);
    for (auto& [k, e] : backwardWeightsCache) push(k, e->impl);
    for (auto& [k, e] : matmulCache) push(k, e->impl);
    check(napi_set_named_property(env, out, "implementations", impls), "set");
    return out;
  });
}

napi_value Init(napi_env env, napi_value exports) {
  try {
    chooseLoops();
  } catch (const std::exception& e) {
    napi_throw_error(env, "ERR_NATIVE_KERNEL", e.what());
    return nullptr;
  }
  napi_property_descriptor props[] = {
      {"convForward", nullptr, ConvForwardEntry, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"convBackwardData", nullptr, ConvBackwardDataEntry, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"convBackwardWeights", nullptr, ConvBackwardWeightsEntry, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"matMul", nullptr, MatMulEntry, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"maxPoolGrad", nullptr, MaxPoolGradEntry, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"momentumUpdate", nullptr, MomentumUpdateEntry, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"reluGrad", nullptr, ReluGradEntry, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"batchNormMovingStats", nullptr, BatchNormMovingStatsEntry, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"batchNormTrain", nullptr, BatchNormTrainEntry, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"batchNormTrainGrad", nullptr, BatchNormTrainGradEntry, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"hardSwish", nullptr, HardSwishEntry, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"hardSwishGrad", nullptr, HardSwishGradEntry, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"setThreads", nullptr, SetThreadsEntry, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"info", nullptr, InfoEntry, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
