package dev.upsampler.io.onnx;

import com.google.protobuf.ByteString;
import dev.upsampler.engine.ConvTransposePlan;
import dev.upsampler.engine.ConvTransposeSpec;
import dev.upsampler.engine.Interpolation;
import dev.upsampler.engine.NetworkLayer;
import dev.upsampler.engine.SequentialNetwork;
import dev.upsampler.io.onnx.proto.OnnxModel.AttributeProto;
import dev.upsampler.io.onnx.proto.OnnxModel.GraphProto;
import dev.upsampler.io.onnx.proto.OnnxModel.ModelProto;
import dev.upsampler.io.onnx.proto.OnnxModel.NodeProto;
import dev.upsampler.io.onnx.proto.OnnxModel.OperatorSetIdProto;
import dev.upsampler.io.onnx.proto.OnnxModel.TensorProto;
import dev.upsampler.io.onnx.proto.OnnxModel.TensorShapeProto;
import dev.upsampler.io.onnx.proto.OnnxModel.TypeProto;
import dev.upsampler.io.onnx.proto.OnnxModel.ValueInfoProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A network as an ONNX graph (opset 17, input "x" [1, 1, H, W], output "y"), so other runtimes
 * (ONNX Runtime in the benchmarks) run exactly what the engine runs: Conv with symmetric pads,
 * PRelu, Relu, LeakyRelu, Clip between layers, ConvTranspose with the canonical crop as pads,
 * DepthToSpace, the skip as a Resize of the input added to the output, a final Clip. Sizes are fixed (ONNX Runtime plans
 * better with them); {@link OnnxImport} reads the result back to the same network.
 */
public final class OnnxExport {
  private OnnxExport() {}

  /** The serialized model for an input of {@code h x w}. */
  public static byte[] toBytes(SequentialNetwork net, int h, int w) {
    GraphProto.Builder g = GraphProto.newBuilder().setName("upsampler");
    String in = "x";
    int ch = h;
    int cw = w;
    for (int i = 0; i < net.layers().size(); i++) {
      NetworkLayer l = net.layers().get(i);
      String out = "t" + i;
      NodeProto.Builder n = NodeProto.newBuilder().setName("n" + i).addInput(in).addOutput(out);
      float[] p = l.params();
      if (l instanceof NetworkLayer.Conv2d c) {
        int nw = NetworkLayer.Conv2d.weightCount(c.in(), c.out(), c.k());
        g.addInitializer(tensor("w" + i, Arrays.copyOf(p, nw), c.out(), c.in(), c.k(), c.k()));
        g.addInitializer(tensor("b" + i, Arrays.copyOfRange(p, nw, p.length), c.out()));
        int r = c.k() / 2;
        n.setOpType("Conv").addInput("w" + i).addInput("b" + i)
            .addAttribute(ints("kernel_shape", c.k(), c.k()))
            .addAttribute(ints("pads", r, r, r, r));
      } else if (l instanceof NetworkLayer.PRelu pr) {
        g.addInitializer(tensor("a" + i, pr.slopes(), pr.slopes().length, 1, 1));
        n.setOpType("PRelu").addInput("a" + i);
      } else if (l instanceof NetworkLayer.LeakyRelu r) {
        n.setOpType(r.alpha() == 0f ? "Relu" : "LeakyRelu");
        if (r.alpha() != 0f) {
          n.addAttribute(AttributeProto.newBuilder().setName("alpha").setType(1)
              .setF(r.alpha()));
        }
      } else if (l instanceof NetworkLayer.Clamp k) {
        n.setOpType("Clip"); // an absent bound is an empty input name, as ONNX has it
        boolean low = k.min() != Float.NEGATIVE_INFINITY;
        boolean high = k.max() != Float.POSITIVE_INFINITY;
        if (low) {
          g.addInitializer(tensor("lo" + i, new float[] {k.min()}));
        }
        if (high) {
          g.addInitializer(tensor("hi" + i, new float[] {k.max()}));
        }
        n.addInput(low ? "lo" + i : "").addInput(high ? "hi" + i : "");
      } else if (l instanceof NetworkLayer.DepthToSpace d) {
        n.setOpType("DepthToSpace")
            .addAttribute(AttributeProto.newBuilder().setName("blocksize").setType(2)
                .setI(d.block()))
            .addAttribute(AttributeProto.newBuilder().setName("mode").setType(3)
                .setS(ByteString.copyFromUtf8(d.dcr() ? "DCR" : "CRD")));
        ch *= d.block();
        cw *= d.block();
      } else {
        NetworkLayer.ConvTranspose2d t = (NetworkLayer.ConvTranspose2d) l;
        ConvTransposeSpec sp = t.spec();
        ConvTransposePlan plan = sp.plan(ch, cw);
        int kh = sp.kernel().h();
        int kw = sp.kernel().w();
        int nw = NetworkLayer.ConvTranspose2d.weightCount(sp);
        g.addInitializer(tensor("w" + i, Arrays.copyOf(p, nw), sp.inChannels(),
            sp.outChannels(), kh, kw));
        n.setOpType("ConvTranspose").addInput("w" + i);
        if (sp.hasBias()) {
          g.addInitializer(tensor("b" + i, Arrays.copyOfRange(p, nw, p.length),
              sp.outChannels()));
          n.addInput("b" + i);
        }
        int oph = sp.padding().outputPadding(0);
        int opw = sp.padding().outputPadding(1);
        n.addAttribute(ints("kernel_shape", kh, kw))
            .addAttribute(ints("strides", sp.stride().h(), sp.stride().w()))
            .addAttribute(ints("pads", plan.crop().top(), plan.crop().left(),
                plan.crop().bottom() + oph, plan.crop().right() + opw))
            .addAttribute(ints("output_padding", oph, opw));
        ch = plan.outH();
        cw = plan.outW();
      }
      g.addNode(n);
      in = out;
    }
    if (net.skip() != null) {
      int s = ch / h;
      g.addInitializer(tensor("scales", new float[] {1, 1, s, s}, 4));
      NodeProto.Builder resize = NodeProto.newBuilder().setName("skip").setOpType("Resize")
          .addInput("x").addInput("").addInput("scales").addOutput("up");
      if (net.skip() == Interpolation.NEAREST) {
        resize.addAttribute(text("mode", "nearest"))
            .addAttribute(text("coordinate_transformation_mode", "asymmetric"))
            .addAttribute(text("nearest_mode", "floor"));
      } else {
        resize.addAttribute(text("mode", net.skip() == Interpolation.BILINEAR ? "linear"
            : "cubic")).addAttribute(text("coordinate_transformation_mode", "half_pixel"));
        if (net.skip() == Interpolation.BICUBIC) {
          resize.addAttribute(AttributeProto.newBuilder().setName("cubic_coeff_a").setType(1)
              .setF(-0.75f));
        } else if (net.skip() != Interpolation.BILINEAR) {
          throw new IllegalArgumentException("no ONNX Resize for a " + net.skip() + " skip");
        }
      }
      g.addNode(resize);
      g.addNode(NodeProto.newBuilder().setName("residual").setOpType("Add").addInput(in)
          .addInput("up").addOutput("sum"));
      in = "sum";
    }
    if (net.clip() != null) {
      g.addInitializer(tensor("lo", new float[] {net.clip()[0]}));
      g.addInitializer(tensor("hi", new float[] {net.clip()[1]}));
      g.addNode(NodeProto.newBuilder().setName("clip").setOpType("Clip").addInput(in)
          .addInput("lo").addInput("hi").addOutput("clipped"));
      in = "clipped";
    }
    g.addNode(NodeProto.newBuilder().setName("out").setOpType("Identity").addInput(in)
        .addOutput("y"));
    g.addInput(valueInfo("x", 1, net.inChannels(), h, w));
    g.addOutput(valueInfo("y", 1, net.outChannels(), ch, cw));
    return ModelProto.newBuilder().setIrVersion(8).setProducerName("upsampler").setGraph(g)
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(17)).build()
        .toByteArray();
  }

  private static TensorProto tensor(String name, float[] values, int... dims) {
    ByteBuffer raw = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    raw.asFloatBuffer().put(values);
    TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(1)
        .setRawData(ByteString.copyFrom(raw.array()));
    for (int d : dims) {
      t.addDims(d);
    }
    return t.build();
  }

  private static AttributeProto ints(String name, int... values) {
    AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(7);
    for (int v : values) {
      a.addInts(v);
    }
    return a.build();
  }

  private static AttributeProto text(String name, String value) {
    return AttributeProto.newBuilder().setName(name).setType(3)
        .setS(ByteString.copyFromUtf8(value)).build();
  }

  private static ValueInfoProto valueInfo(String name, int... shape) {
    TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
    for (int d : shape) {
      s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    }
    return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
        .setTensorType(TypeProto.Tensor.newBuilder().setElemType(1).setShape(s))).build();
  }
}
