package dev.upsampler.bench;

import dev.upsampler.engine.ConvTranspose;
import dev.upsampler.engine.Interpolation;
import dev.upsampler.engine.Parallelism;
import dev.upsampler.engine.U8Image;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;
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
 * Shape d: a 1920 x 1080 RGB 8-bit frame to 3840 x 2160 by bicubic interpolation (Keys a =
 * -0.75, edges replicated), interleaved bytes in and out. The engine runs the separable depthwise
 * transposed convolution; the peer is OpenCV's {@code resize(INTER_CUBIC)} on the same bytes.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx6g"})
public class ResizeBenchmark {
  static final int W = 1920;
  static final int H = 1080;

  static byte[] frame() {
    // A smooth image with noise: natural enough that interpolation is not all clamping.
    byte[] b = new byte[W * H * 3];
    Random rnd = new Random(11);
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        for (int c = 0; c < 3; c++) {
          double v = 128 + 90 * Math.sin(x / (37.0 + 11 * c)) * Math.cos(y / 23.0)
              + 20 * rnd.nextGaussian();
          b[(y * W + x) * 3 + c] = (byte) Math.max(0, Math.min(255, (int) v));
        }
      }
    }
    return b;
  }

  /** The engine's bicubic x2 on interleaved bytes, output reused across calls. */
  @State(Scope.Benchmark)
  public static class Engine {
    @Param({"1"})
    public int threads;

    ConvTranspose op;
    U8Image in;
    U8Image out;
    Parallelism par;

    @Setup(Level.Trial)
    public void setup() {
      op = Interpolation.BICUBIC.layer(3, 2, 2);
      in = U8Image.interleaved(frame(), W, H, 3);
      out = U8Image.interleaved(2 * W, 2 * H, 3);
      par = Parallelism.newPool(threads);
      System.err.println("engine path: " + op.pathDescription());
    }

    @TearDown(Level.Trial)
    public void close() {
      par.close();
    }
  }

  /** OpenCV 4.13 resize, INTER_CUBIC, with cv::setNumThreads(threads); checked against ours. */
  @State(Scope.Benchmark)
  public static class OpenCv {
    @Param({"1"})
    public int threads;

    Mat src;
    Mat dst;
    Size size;

    @Setup(Level.Trial)
    public void setup() {
      opencv_core.setNumThreads(threads);
      byte[] bytes = frame();
      src = new Mat(H, W, opencv_core.CV_8UC3);
      src.data().put(bytes);
      dst = new Mat(2 * H, 2 * W, opencv_core.CV_8UC3);
      size = new Size(2 * W, 2 * H);
      opencv_imgproc.resize(src, dst, size, 0, 0, opencv_imgproc.INTER_CUBIC);
      U8Image ours = U8Image.interleaved(2 * W, 2 * H, 3);
      Interpolation.BICUBIC.layer(3, 2, 2).apply(U8Image.interleaved(bytes, W, H, 3), ours,
          Parallelism.inline());
      byte[] cv = new byte[ours.data().length];
      dst.data().get(cv);
      int worst = 0;
      long differing = 0;
      for (int i = 0; i < cv.length; i++) {
        int d = Math.abs((cv[i] & 0xff) - (ours.data()[i] & 0xff));
        worst = Math.max(worst, d);
        differing += d > 0 ? 1 : 0;
      }
      System.err.printf("OpenCV INTER_CUBIC vs engine bicubic: max difference %d code values,"
          + " %.2f%% of samples differ (OpenCV resizes 8-bit in fixed point)%n", worst,
          100.0 * differing / cv.length);
    }

    @TearDown(Level.Trial)
    public void close() {
      src.close();
      dst.close();
      size.close();
    }
  }

  @Benchmark
  public U8Image engine(Engine e) {
    e.op.apply(e.in, e.out, e.par);
    return e.out;
  }

  @Benchmark
  public Mat opencv(OpenCv o) {
    opencv_imgproc.resize(o.src, o.dst, o.size, 0, 0, opencv_imgproc.INTER_CUBIC);
    return o.dst;
  }
}
