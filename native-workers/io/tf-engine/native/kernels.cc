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
    auto d = withBias ? convolution_forward::desc(prop_kind::forward_training, algorithm::convolution_direct, src(),
                                                  anyWeights(), memory::desc({oc}, dt::f32, tag::x), dst(), strides(),
                                                  dilations(), padL(), padR())
                      : convolution_forward::desc(prop_kind::forward_training, algorithm::convolution_direct, src(),
                                                  anyWeights(), dst(), strides(), dilations(), padL(), padR());
    return convolution_forward::primitive_desc(d, attr, cpu());
  }
};

/** Weights in the layout a primitive wants, converted from (or back to) tfjs's layout when they differ. */
struct WeightBridge {
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
  /** The weights as the primitive reads them. */
  memory in(float* data) {
    memory u(user, cpu(), data);
    if (!convert) return u;
    toWanted.execute(cpuStream(), u, buffer);
    return buffer;
  }
  /** Where the primitive writes weights; call out() after running it. */
  memory target(float* data) { return convert ? buffer : memory(user, cpu(), data); }
  void out(float* data) {
    if (!convert) return;
    memory u(user, cpu(), data);
    toUser.execute(cpuStream(), buffer, u);
  }
};

struct ConvForward {
  convolution_forward prim;
  WeightBridge weights;
  std::string impl;
};
struct ConvBackwardData {
  convolution_backward_data prim;
  WeightBridge weights;
  std::string impl;
};
struct ConvBackwardWeights {
  convolution_backward_weights prim;
  WeightBridge weights;
  std::string impl;
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
  entry->weights.init(s.userWeights(), pd.weights_desc(), true);
  entry->impl = pd.impl_info_str();
  return *(forwardCache[key] = std::move(entry));
}

ConvBackwardData& backwardDataFor(const ConvShape& s) {
  auto key = s.key("bwd_data");
  auto it = backwardDataCache.find(key);
  if (it != backwardDataCache.end()) return *it->second;
  auto hint = s.forwardDesc(false);
  auto d = convolution_backward_data::desc(algorithm::convolution_direct, s.src(), s.anyWeights(), s.dst(), s.strides(),
                                           s.dilations(), s.padL(), s.padR());
  auto pd = convolution_backward_data::primitive_desc(d, cpu(), hint);
  auto entry = std::make_unique<ConvBackwardData>();
  entry->prim = convolution_backward_data(pd);
  entry->weights.init(s.userWeights(), pd.weights_desc(), true);
  entry->impl = pd.impl_info_str();
  return *(backwardDataCache[key] = std::move(entry));
}

ConvBackwardWeights& backwardWeightsFor(const ConvShape& s) {
  auto key = s.key("bwd_weights");
  auto it = backwardWeightsCache.find(key);
  if (it != backwardWeightsCache.end()) return *it->second;
  auto hint = s.forwardDesc(false);
  auto d = convolution_backward_weights::desc(algorithm::convolution_direct, s.src(), s.anyWeights(), s.dst(), s.strides(),
                                              s.dilations(), s.padL(), s.padR());
  auto pd = convolution_backward_weights::primitive_desc(d, cpu(), hint);
  auto entry = std::make_unique<ConvBackwardWeights>();
  entry->prim = convolution_backward_weights(pd);
  entry->weights.init(s.userWeights(), pd.diff_weights_desc(), false);
  entry->impl = pd.impl_info_str();
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
    std::unordered_map<int, memory> m{{DNNL_ARG_SRC, memory(s.src(), cpu(), x.data)},
                                      {DNNL_ARG_WEIGHTS, c.weights.in(w.data)},
                                      {DNNL_ARG_DST, memory(s.dst(), cpu(), y.data)}};
    if (s.hasBias) m.emplace(DNNL_ARG_BIAS, memory(memory::desc({s.oc}, dt::f32, tag::x), cpu(), b.data));
    c.prim.execute(cpuStream(), m);
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
    c.prim.execute(cpuStream(), {{DNNL_ARG_DIFF_DST, memory(s.dst(), cpu(), dy.data)},
                                 {DNNL_ARG_WEIGHTS, c.weights.in(w.data)},
                                 {DNNL_ARG_DIFF_SRC, memory(s.src(), cpu(), dx.data)}});
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
    c.prim.execute(cpuStream(), {{DNNL_ARG_SRC, memory(s.src(), cpu(), x.data)},
                                 {DNNL_ARG_DIFF_DST, memory(s.dst(), cpu(), dy.data)},
                                 {DNNL_ARG_DIFF_WEIGHTS, c.weights.target(dw.data)}});
    c.weights.out(dw.data);
    cpuStream().wait();
    return nullptr;
  });
}

// ------------------------------------------------------------------------------------------------------------------
// Training-mode batch normalization over all axes but the last (channels-last), with scale and shift.
// The kernels' contract (see core/architectures/fused-ops.ts) passes invStd = 1/sqrt(var + eps) between forward and
// backward; oneDNN's backward reads only var + eps, so it is given variance 1/invStd^2 with eps 0.

struct BatchNorm {
  batch_normalization_forward forward;
  batch_normalization_backward backward;
  memory variance;
  memory unusedShift;  // oneDNN's backward with use_shift insists on a shift argument it never reads
};
std::unordered_map<std::string, std::unique_ptr<BatchNorm>> batchNormCache;

memory::desc rowsDesc(int64_t rows, int64_t channels) { return memory::desc({rows, channels, 1, 1}, dt::f32, tag::nhwc); }
memory::desc channelDesc(int64_t channels) { return memory::desc({channels}, dt::f32, tag::x); }

BatchNorm& batchNormFor(int64_t rows, int64_t channels, float eps) {
  auto key = std::to_string(rows) + ',' + std::to_string(channels) + ',' + std::to_string(eps);
  auto it = batchNormCache.find(key);
  if (it != batchNormCache.end()) return *it->second;
  auto md = rowsDesc(rows, channels);
  auto flags = normalization_flags::use_scale | normalization_flags::use_shift;
  auto fd = batch_normalization_forward::desc(prop_kind::forward_training, md, eps, flags);
  auto fpd = batch_normalization_forward::primitive_desc(fd, cpu());
  auto bd = batch_normalization_backward::desc(prop_kind::backward, md, md, eps, flags);
  auto bpd = batch_normalization_backward::primitive_desc(bd, cpu(), fpd);
  auto entry = std::make_unique<BatchNorm>();
  entry->forward = batch_normalization_forward(fpd);
  entry->backward = batch_normalization_backward(bpd);
  entry->variance = memory(channelDesc(channels), cpu());
  entry->unusedShift = memory(channelDesc(channels), cpu());
  std::memset(entry->unusedShift.get_data_handle(), 0, size_t(channels) * sizeof(float));
  return *(batchNormCache[key] = std::move(entry));
}

/** batchNormTrain(x, gamma, beta, y, mean, invStd, rows, channels, eps). */
napi_value BatchNormTrainEntry(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    auto a = args<9>(env, info);
    auto rows = int64_t(number(env, a[6], "rows")), channels = int64_t(number(env, a[7], "channels"));
    float eps = float(number(env, a[8], "eps"));
    View x = floatView(env, a[0], "x"), gamma = floatView(env, a[1], "gamma"), beta = floatView(env, a[2], "beta");
    View y = floatView(env, a[3], "y"), mean = floatView(env, a[4], "mean"), invStd = floatView(env, a[5], "invStd");
    for (auto [v, name] : {std::pair{x, "x"}, {y, "y"}}) expectLength(v, size_t(rows * channels), name);
    for (auto [v, name] : {std::pair{gamma, "gamma"}, {beta, "beta"}, {mean, "mean"}, {invStd, "invStd"}}) {
      expectLength(v, size_t(channels), name);
    }
    auto& bn = batchNormFor(rows, channels, eps);
    auto md = rowsDesc(rows, channels);
    auto cd = channelDesc(channels);
    bn.forward.execute(cpuStream(), {{DNNL_ARG_SRC, memory(md, cpu(), x.data)},
                                     {DNNL_ARG_SCALE, memory(cd, cpu(), gamma.data)},
                                     {DNNL_ARG_SHIFT, memory(cd, cpu(), beta.data)},
                                     {DNNL_ARG_DST, memory(md, cpu(), y.data)},
                                     {DNNL_ARG_MEAN, memory(cd, cpu(), mean.data)},
                                     {DNNL_ARG_VARIANCE, bn.variance}});
    cpuStream().wait();
    const float* var = static_cast<const float*>(bn.variance.get_data_handle());
    for (int64_t c = 0; c < channels; c++) invStd.data[c] = 1.f / std::sqrt(var[c] + eps);
    return nullptr;
  });
}

/** batchNormTrainGrad(dy, x, gamma, mean, invStd, dx, dgamma, dbeta, rows, channels). */
napi_value BatchNormTrainGradEntry(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    auto a = args<10>(env, info);
    auto rows = int64_t(number(env, a[8], "rows")), channels = int64_t(number(env, a[9], "channels"));
    View dy = floatView(env, a[0], "dy"), x = floatView(env, a[1], "x"), gamma = floatView(env, a[2], "gamma");
    View mean = floatView(env, a[3], "mean"), invStd = floatView(env, a[4], "invStd"), dx = floatView(env, a[5], "dx");
    View dgamma = floatView(env, a[6], "dgamma"), dbeta = floatView(env, a[7], "dbeta");
    for (auto [v, name] : {std::pair{dy, "dy"}, {x, "x"}, {dx, "dx"}}) expectLength(v, size_t(rows * channels), name);
    for (auto [v, name] : {std::pair{gamma, "gamma"}, {mean, "mean"}, {invStd, "invStd"}, {dgamma, "dgamma"}, {dbeta, "dbeta"}}) {
      expectLength(v, size_t(channels), name);
    }
    auto& bn = batchNormFor(rows, channels, 0.f);
    float* var = static_cast<float*>(bn.variance.get_data_handle());
    for (int64_t c = 0; c < channels; c++) var[c] = 1.f / (invStd.data[c] * invStd.data[c]);
    auto md = rowsDesc(rows, channels);
    auto cd = channelDesc(channels);
    bn.backward.execute(cpuStream(), {{DNNL_ARG_SRC, memory(md, cpu(), x.data)},
                                      {DNNL_ARG_DIFF_DST, memory(md, cpu(), dy.data)},
                                      {DNNL_ARG_MEAN, memory(cd, cpu(), mean.data)},
                                      {DNNL_ARG_VARIANCE, bn.variance},
                                      {DNNL_ARG_SCALE, memory(cd, cpu(), gamma.data)},
                                      {DNNL_ARG_SHIFT, bn.unusedShift},
                                      {DNNL_ARG_DIFF_SRC, memory(md, cpu(), dx.data)},
                                      {DNNL_ARG_DIFF_SCALE, memory(cd, cpu(), dgamma.data)},
                                      {DNNL_ARG_DIFF_SHIFT, memory(cd, cpu(), dbeta.data)}});
    cpuStream().wait();
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
    const float* xs = x.data;
    float* ys = y.data;
    const int64_t n = int64_t(x.length);
#pragma omp parallel for simd schedule(static) if (n > 65536)
    for (int64_t i = 0; i < n; i++) {
      float v = xs[i];
      ys[i] = v * std::min(std::max(v + 3.f, 0.f), 6.f) * (1.f / 6.f);
    }
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
    const float *g = dy.data, *xs = x.data;
    float* out = dx.data;
    const int64_t n = int64_t(dy.length);
#pragma omp parallel for simd schedule(static) if (n > 65536)
    for (int64_t i = 0; i < n; i++) {
      float v = xs[i];
      out[i] = v < -3.f ? 0.f : (v <= 3.f ? g[i] * (2.f * v + 3.f) * (1.f / 6.f) : g[i]);
    }
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
    check(napi_set_named_property(env, out, "implementations", impls), "set");
    return out;
  });
}

napi_value Init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"convForward", nullptr, ConvForwardEntry, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"convBackwardData", nullptr, ConvBackwardDataEntry, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"convBackwardWeights", nullptr, ConvBackwardWeightsEntry, nullptr, nullptr, nullptr, napi_default, nullptr},
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
