package dev.upsampler.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.upsampler.engine.ConvTranspose;
import dev.upsampler.engine.ConvTransposePlan;
import dev.upsampler.engine.Parallelism;
import dev.upsampler.engine.Tensor;
import java.nio.FloatBuffer;
import java.util.Map;
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
 * One transposed convolution per call, three implementations on the same data: this engine, ONNX
 * Runtime (a one-node model, its own threads), and the write-up's zero-insertion form.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx6g"})
public class ConvTransposeBenchmark {

  /** The engine, on a caller-owned output reused across calls. */
  @State(Scope.Benchmark)
  public static class Engine {
    @Param({"a"})
    public String shape;

    @Param({"1"})
    public int threads;

    ConvTranspose op;
    Tensor x;
    Tensor y;
    Parallelism par;

    @Setup(Level.Trial)
    public void setup() {
      Shape s = Shape.of(shape);
      op = ConvTranspose.of(s.spec(), s.weights(7), null);
      x = s.input(7);
      ConvTransposePlan p = s.plan();
      y = Tensor.zeros(1, s.cout(), p.outH(), p.outW());
      par = Parallelism.newPool(threads);
      System.err.println("engine path: " + op.pathDescription());
    }

    @TearDown(Level.Trial)
    public void close() {
      par.close();
    }
  }

  /** ONNX Runtime 1.23 with intra-op threads = threads; checked against the engine once. */
  @State(Scope.Benchmark)
  public static class Ort {
    @Param({"a"})
    public String shape;

    @Param({"1"})
    public int threads;

    OrtEnvironment env;
    OrtSession session;
    OnnxTensor input;
    /** A caller-owned output, as the engine has: ORT writes into it without allocating. */
    OnnxTensor output;

    @Setup(Level.Trial)
    public void setup() throws OrtException {
      Shape s = Shape.of(shape);
      Tensor w = s.weights(7);
      ConvTransposePlan p = s.plan();
      byte[] model = OnnxModel.convTranspose(new int[] {1, s.cin(), s.h(), s.w()}, w.shape(),
          w.data(), new int[] {1, s.cout(), p.outH(), p.outW()}, new int[] {s.s(), s.s()},
          new int[] {s.pad(), s.pad(), s.pad(), s.pad()},
          new int[] {s.outputPadding(), s.outputPadding()}, s.groups());
      env = OrtEnvironment.getEnvironment();
      OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
      opts.setIntraOpNumThreads(threads);
      opts.setInterOpNumThreads(1);
      opts.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
      session = env.createSession(model, opts);
      Tensor x = s.input(7);
      input = OnnxTensor.createTensor(env, FloatBuffer.wrap(x.data()),
          java.util.Arrays.stream(x.shape()).asLongStream().toArray());
      output = OnnxTensor.createTensor(env,
          java.nio.ByteBuffer.allocateDirect(4 * s.cout() * p.outH() * p.outW())
              .order(java.nio.ByteOrder.nativeOrder()).asFloatBuffer(),
          new long[] {1, s.cout(), p.outH(), p.outW()});
      float[] ort = run();
      float[] ours = ConvTranspose.of(s.spec(), w, null).apply(x).toArray();
      double worst = 0;
      for (int i = 0; i < ours.length; i++) {
        worst = Math.max(worst, Math.abs(ours[i] - ort[i]) / Math.max(1, Math.abs(ort[i])));
      }
      System.err.printf("onnxruntime vs engine on %s: max relative difference %.2e%n", shape,
          worst);
      if (worst > 1e-4) {
        throw new IllegalStateException("ONNX Runtime and the engine disagree on " + shape);
      }
    }

    float[] run() throws OrtException {
      try (OrtSession.Result r = session.run(Map.of("x", input), Map.of("y", output))) {
        FloatBuffer b = output.getFloatBuffer();
        float[] out = new float[b.remaining()];
        b.get(out);
        return out;
      }
    }

    @TearDown(Level.Trial)
    public void close() throws OrtException {
      input.close();
      output.close();
      session.close();
    }
  }

  /** The write-up's zero-insertion form (the naive baseline), single-threaded. */
  @State(Scope.Benchmark)
  public static class Naive {
    @Param({"a"})
    public String shape;

    ConvTranspose op;
    Tensor x;
    Tensor y;

    @Setup(Level.Trial)
    public void setup() {
      Shape s = Shape.of(shape);
      op = ConvTranspose.of(s.spec(), s.weights(7), null)
          .using(ConvTranspose.Algorithm.ZERO_INSERTION);
      x = s.input(7);
      ConvTransposePlan p = s.plan();
      y = Tensor.zeros(1, s.cout(), p.outH(), p.outW());
    }
  }

  @Benchmark
  public Tensor engine(Engine e) {
    e.op.apply(e.x, e.y, e.par);
    return e.y;
  }

  /** Into a pinned, caller-owned output, like the engine's call. */
  @Benchmark
  public Object onnxruntime(Ort o) throws OrtException {
    try (OrtSession.Result r = o.session.run(Map.of("x", o.input), Map.of("y", o.output))) {
      return r.size();
    }
  }

  @Benchmark
  public Tensor naive(Naive n) {
    n.op.apply(n.x, n.y, Parallelism.inline());
    return n.y;
  }
}
