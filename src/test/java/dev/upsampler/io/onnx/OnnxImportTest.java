package dev.upsampler.io.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.upsampler.engine.Interpolation;
import dev.upsampler.engine.NetworkLayer;
import dev.upsampler.engine.Parallelism;
import dev.upsampler.engine.SequentialNetwork;
import dev.upsampler.engine.Tensor;
import dev.upsampler.io.InvalidInputException;
import dev.upsampler.io.Npy;
import dev.upsampler.io.NpyArray;
import dev.upsampler.io.onnx.proto.OnnxModel.ModelProto;
import dev.upsampler.io.onnx.proto.OnnxModel.NodeProto;
import dev.upsampler.io.onnx.proto.OnnxModel.TensorProto;
import dev.upsampler.testing.Resources;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Networks made in PyTorch and exported with {@code torch.onnx.export}
 * (onnx/generate_onnx_models.py) import and reproduce PyTorch's output; graphs the engine cannot
 * run exactly are refused with the operator, node and cause.
 */
class OnnxImportTest {
  @TempDir Path dir;

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    // model, scale, layers, skip
    "espcn_bicubic, 2, 6, BICUBIC",
    "fsrcnn_nearest, 2, 5, NEAREST",
    "ecbsr_repeat_x3_opset9, 3, 4, NEAREST",
    "bilinear_sub_div, 2, 4, BILINEAR",
    "relu6_hardtanh, 2, 6, BICUBIC",
    "relu6_hardtanh_opset9, 2, 6, "})
  void pytorchExportsImportAndReproducePyTorch(String name, int scale, int layers,
      Interpolation skip) throws Exception {
    SequentialNetwork net = OnnxImport.load(Resources.path("onnx/" + name + ".onnx"));
    assertEquals(layers, net.layers().size(), name + ": " + net.layers());
    assertEquals(skip, net.skip(), name);
    NpyArray in = Npy.read(Resources.path("onnx/" + name + ".input.npy"));
    NpyArray want = Npy.read(Resources.path("onnx/" + name + ".output.npy"));
    int h = in.shape()[2];
    int w = in.shape()[3];
    assertEquals(scale * h, want.shape()[2], name);
    Tensor x = Tensor.wrap(in.data(), 1, 1, h, w);
    Tensor y = Tensor.zeros(1, 1, scale * h, scale * w);
    try (Parallelism par = Parallelism.newPool(2)) {
      net.apply(x, y, par, 1f);
    }
    double worst = 0;
    for (int i = 0; i < y.data().length; i++) {
      worst = Math.max(worst, Math.abs(y.data()[i] - want.data()[i]));
    }
    // Within 1e-5 of PyTorch: far inside one 8-bit code value (1/255).
    assertTrue(worst < 1e-5, name + ": largest difference from PyTorch " + worst);
  }

  /** What the benchmarks hand ONNX Runtime is what the engine runs: exported, read back equal. */
  @Test
  void anExportedNetworkImportsBackToTheSameNetwork() throws Exception {
    for (Interpolation skip : new Interpolation[] {null, Interpolation.NEAREST,
        Interpolation.BILINEAR, Interpolation.BICUBIC}) {
      SequentialNetwork net = dev.upsampler.learn.Network.espcn(6, 1, 3, "prelu",
          new java.util.Random(3)).inference();
      java.util.List<NetworkLayer> layers = new java.util.ArrayList<>(net.layers());
      layers.set(3, new NetworkLayer.LeakyRelu(6, 0.2f)); // PReLU, then a LeakyReLU
      layers.add(4, new NetworkLayer.Clamp(6, Float.NEGATIVE_INFINITY, 0.7f)); // a clamp
      net = new SequentialNetwork(layers);
      net = skip == null ? net.withClip(-0.5f, 1.5f) : net.withSkip(skip);
      Path f = dir.resolve("export.onnx");
      Files.write(f, OnnxExport.toBytes(net, 11, 13));
      SequentialNetwork back = OnnxImport.load(f);
      assertEquals(net.skip(), back.skip());
      assertEquals(net.layers().size(), back.layers().size());
      for (int i = 0; i < net.layers().size(); i++) {
        assertEquals(net.layers().get(i).getClass(), back.layers().get(i).getClass());
        assertTrue(Arrays.equals(net.layers().get(i).params(), back.layers().get(i).params()),
            "layer " + i);
      }
      assertTrue(Arrays.equals(net.clip(), back.clip()));
    }
  }

  /** PyTorch's ReLU6 and Hardtanh are Clip nodes between layers: clamps the engine serves. */
  @Test
  void clipsBetweenLayersAreClampLayers() throws Exception {
    for (String name : new String[] {"relu6_hardtanh", "relu6_hardtanh_opset9"}) {
      SequentialNetwork net = OnnxImport.load(Resources.path("onnx/" + name + ".onnx"));
      assertEquals(new NetworkLayer.Clamp(8, 0f, 6f), net.layers().get(1), name);
      assertEquals(new NetworkLayer.Clamp(8, -0.5f, 0.5f), net.layers().get(3), name);
      assertTrue(net.pathDescription().startsWith("tiles by direct convolution"), name);
    }
  }

  @Test
  void theClampAtTheEndIsKept() throws Exception {
    SequentialNetwork net = OnnxImport.load(Resources.path("onnx/espcn_bicubic.onnx"));
    assertEquals(0f, net.clip()[0]);
    assertEquals(1f, net.clip()[1]);
    assertTrue(net.layers().get(5) instanceof NetworkLayer.DepthToSpace d && !d.dcr(),
        "PyTorch's PixelShuffle is DepthToSpace in CRD order: " + net.layers());
  }

  @Test
  void anUnsupportedOperatorIsNamedWithItsNode() throws Exception {
    ModelProto m = model("espcn_bicubic");
    NodeProto relu = m.getGraph().getNodeList().stream()
        .filter(n -> n.getOpType().equals("Relu")).findFirst().orElseThrow();
    int at = m.getGraph().getNodeList().indexOf(relu);
    ModelProto bad = m.toBuilder().setGraph(m.getGraph().toBuilder()
        .setNode(at, relu.toBuilder().setOpType("Sigmoid"))).build();
    String msg = refusal(bad);
    assertTrue(msg.contains("Sigmoid node " + at) && msg.contains("'" + relu.getName() + "'")
        && msg.contains("not supported"), msg);
  }

  @Test
  void nanWeightsAreRefused() throws Exception {
    ModelProto m = model("fsrcnn_nearest");
    TensorProto w = m.getGraph().getInitializerList().stream()
        .filter(t -> t.getDimsCount() == 4).findFirst().orElseThrow();
    ByteBuffer raw = ByteBuffer.allocate(w.getRawData().size()).order(ByteOrder.LITTLE_ENDIAN);
    raw.put(w.getRawData().asReadOnlyByteBuffer());
    raw.putFloat(4 * 3, Float.NaN);
    int at = m.getGraph().getInitializerList().indexOf(w);
    ModelProto bad = m.toBuilder().setGraph(m.getGraph().toBuilder().setInitializer(at,
        w.toBuilder().setRawData(ByteString.copyFrom(raw.array())))).build();
    String msg = refusal(bad);
    assertTrue(msg.contains("value 3 is NaN") && msg.contains("weights"), msg);
  }

  @Test
  void truncatedAndForeignFilesAreRefused() throws Exception {
    byte[] whole = Files.readAllBytes(Resources.path("onnx/espcn_bicubic.onnx"));
    Path cut = dir.resolve("cut.onnx");
    Files.write(cut, Arrays.copyOf(whole, whole.length / 2));
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> OnnxImport.load(cut));
    assertTrue(e.getMessage().contains("cut.onnx") && e.getMessage().contains("not an ONNX"
        + " model"), e.getMessage());
    Path png = Resources.path("photos/small_camera.png");
    e = assertThrows(InvalidInputException.class, () -> OnnxImport.load(png));
    assertTrue(e.getMessage().contains("not an ONNX model"), e.getMessage());
    e = assertThrows(InvalidInputException.class, () -> OnnxImport.load(dir.resolve("no.onnx")));
    assertTrue(e.getMessage().contains("no such file"), e.getMessage());
  }

  @Test
  void aResizeWithAnotherCubicIsRefused() throws Exception {
    ModelProto m = model("espcn_bicubic");
    NodeProto resize = m.getGraph().getNodeList().stream()
        .filter(n -> n.getOpType().equals("Resize")).findFirst().orElseThrow();
    int at = m.getGraph().getNodeList().indexOf(resize);
    NodeProto.Builder b = resize.toBuilder();
    for (int i = 0; i < b.getAttributeCount(); i++) {
      if (b.getAttribute(i).getName().equals("cubic_coeff_a")) {
        b.setAttribute(i, b.getAttribute(i).toBuilder().setF(-0.5f));
      }
    }
    String msg = refusal(m.toBuilder().setGraph(m.getGraph().toBuilder().setNode(at, b))
        .build());
    assertTrue(msg.contains("Resize node " + at) && msg.contains("a = -0.5"), msg);
  }

  private static ModelProto model(String name) throws Exception {
    return ModelProto.parseFrom(Files.readAllBytes(Resources.path("onnx/" + name + ".onnx")));
  }

  private String refusal(ModelProto m) throws Exception {
    Path f = dir.resolve("edited.onnx");
    Files.write(f, m.toByteArray());
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> OnnxImport.load(f));
    assertTrue(e.getMessage().contains("edited.onnx"), e.getMessage());
    return e.getMessage();
  }
}
