package dev.upsampler.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.upsampler.engine.Parallelism;
import dev.upsampler.engine.SequentialNetwork;
import dev.upsampler.engine.Tensor;
import dev.upsampler.io.ModelFiles;
import dev.upsampler.io.ShippedModels;
import dev.upsampler.io.onnx.OnnxExport;
import dev.upsampler.learn.Network;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A whole network on a 480x270 luma plane (to 960x540), as {@code upscale --kernel ...} runs it:
 * the engine's tiled network against ONNX Runtime on the same graph and weights (exported by
 * {@link OnnxExport}). Networks: FSRCNN shapes with random weights ("56,12,4", "32,5,1") and the
 * shipped models by name ("sr-x2", "sr-x2-fast": their skip connection and clamp included).
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx4g"})
public class NetworkBenchmark {
  static final int H = 270;
  static final int W = 480;

  /** "56,12,4" (FSRCNN) or "32,5,1" (FSRCNN-s), x2, random weights; or a shipped model. */
  static SequentialNetwork network(String shape) {
    if (ShippedModels.has(shape)) {
      try {
        return ModelFiles.loadNetwork(ShippedModels.manifest(shape));
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    String[] p = shape.split(",");
    return Network.fsrcnn(Integer.parseInt(p[0]), Integer.parseInt(p[1]),
        Integer.parseInt(p[2]), 2, new Random(7)).inference();
  }

  static Tensor input() {
    Random rnd = new Random(8);
    Tensor x = Tensor.zeros(1, 1, H, W);
    for (int i = 0; i < x.data().length; i++) {
      x.data()[i] = rnd.nextFloat();
    }
    return x;
  }

  @State(Scope.Benchmark)
  public static class Engine {
    @Param({"56,12,4"})
    public String fsrcnn;

    @Param({"1"})
    public int threads;

    SequentialNetwork net;
    Tensor x;
    Tensor y;
    Parallelism par;

    @Setup(Level.Trial)
    public void setup() {
      net = network(fsrcnn);
      x = input();
      y = Tensor.zeros(1, 1, 2 * H, 2 * W);
      par = Parallelism.newPool(threads);
    }

    @TearDown(Level.Trial)
    public void close() {
      par.close();
    }
  }

  @State(Scope.Benchmark)
  public static class Ort {
    @Param({"56,12,4"})
    public String fsrcnn;

    @Param({"1"})
    public int threads;

    OrtSession session;
    OnnxTensor input;
    OnnxTensor output;

    @Setup(Level.Trial)
    public void setup() throws OrtException {
      SequentialNetwork net = network(fsrcnn);
      byte[] model = OnnxExport.toBytes(net, H, W);
      OrtEnvironment env = OrtEnvironment.getEnvironment();
      OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
      opts.setIntraOpNumThreads(threads);
      opts.setInterOpNumThreads(1);
      opts.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
      session = env.createSession(model, opts);
      Tensor x = input();
      input = OnnxTensor.createTensor(env, FloatBuffer.wrap(x.data()), new long[] {1, 1, H, W});
      output = OnnxTensor.createTensor(env,
          java.nio.ByteBuffer.allocateDirect(4 * 4 * H * W)
              .order(java.nio.ByteOrder.nativeOrder()).asFloatBuffer(),
          new long[] {1, 1, 2 * H, 2 * W});
      try (OrtSession.Result r = session.run(Map.of("x", input), Map.of("y", output))) {
        FloatBuffer b = output.getFloatBuffer();
        Tensor ours = Tensor.zeros(1, 1, 2 * H, 2 * W);
        net.apply(x, ours, Parallelism.inline(), 1f);
        double worst = 0;
        for (int i = 0; i < ours.data().length; i++) {
          worst = Math.max(worst, Math.abs(ours.data()[i] - b.get(i)));
        }
        System.err.printf("onnxruntime vs engine, %s: max difference %.2e%n", fsrcnn, worst);
        if (worst > 1e-4) {
          throw new IllegalStateException("ONNX Runtime and the engine disagree");
        }
      }
    }

    @TearDown(Level.Trial)
    public void close() throws OrtException {
      input.close();
      output.close();
      session.close();
    }
  }

  @Benchmark
  public Tensor engine(Engine e) {
    e.net.apply(e.x, e.y, e.par, 1f);
    return e.y;
  }

  @Benchmark
  public Object onnxruntime(Ort o) throws OrtException {
    try (OrtSession.Result r = o.session.run(Map.of("x", o.input), Map.of("y", o.output))) {
      return r.size();
    }
  }
}
