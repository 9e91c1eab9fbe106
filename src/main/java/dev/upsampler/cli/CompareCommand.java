package dev.upsampler.cli;

import dev.upsampler.engine.Parallelism;
import dev.upsampler.image.ColorMode;
import dev.upsampler.image.Degradation;
import dev.upsampler.image.Frame;
import dev.upsampler.image.FrameInfo;
import dev.upsampler.image.Quality;
import dev.upsampler.image.UpscaleKernel;
import dev.upsampler.image.Upscaler;
import dev.upsampler.io.ImageCodecs;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code compare}: input (nearest-upscaled) and output side by side, with a zoomed crop. */
@Command(
    name = "compare",
    description = {
      "Writes one picture (PNG, or JPEG or BMP when --output is named so): the input enlarged"
          + " by nearest neighbour beside the kernel's output, and below them the same crop of"
          + " both, enlarged 3x.",
      ""
    })
final class CompareCommand extends BaseCommand {
  private static final int LABEL = 28;
  private static final int ZOOM = 3;

  @Option(names = "--input", required = true, paramLabel = "IN", description = "An image.")
  Path input;

  @Option(names = "--output", required = true, paramLabel = "CMP.png",
      description = "The comparison picture.")
  Path output;

  @Option(names = "--crop-at", paramLabel = "X,Y",
      description = "Top-left of the zoomed crop in output pixels (default: centred).")
  String cropAt;

  @Option(names = "--degrade", description = "Treat the input as the original: downscale it"
      + " by bicubic first (as eval does), then show bicubic's upscale beside the kernel's, each"
      + " with its Y-PSNR against the original (for learned models).")
  boolean degrade;

  @Mixin ImageOptions image;

  @Override
  public Integer call() throws IOException {
    UpscaleKernel kernel = image.kernel();
    Frame in = ImageCodecs.read(input, image.maxPixels);
    Frame truth = null;
    if (degrade) {
      truth = Degradation.cropToMultiple(in, kernel.scale().w(), kernel.scale().h());
      in = Degradation.downscale(truth, kernel.scale().w(), kernel.scale().h());
    }
    Frame near;
    Frame out;
    try (Parallelism par = Parallelism.newPool(image.threads)) {
      out = new Upscaler(kernel, image.colorMode(), par).apply(in);
      near = new Upscaler(UpscaleKernel.named(degrade ? "bicubic" : "nearest", kernel.scale()),
          ColorMode.RGB, par).apply(in);
    }
    int w = out.width();
    int h = out.height();
    int cw = Math.max(1, w / ZOOM);
    int chh = Math.max(1, h / ZOOM);
    int cx = (w - cw) / 2;
    int cy = (h - chh) / 2;
    if (cropAt != null) {
      String[] p = cropAt.split(",");
      int x;
      int y;
      try {
        x = Integer.parseInt(p[0].trim());
        y = p.length == 2 ? Integer.parseInt(p[1].trim()) : -1;
      } catch (NumberFormatException e) {
        x = -1;
        y = -1;
      }
      if (p.length != 2 || x < 0 || y < 0 || x >= w || y >= h) {
        throw usage("--crop-at " + cropAt + " is not a point X,Y of the " + w + "x" + h
            + " output");
      }
      cx = Math.min(w - cw, x);
      cy = Math.min(h - chh, y);
    }
    int gap = 8;
    Font font = new Font(Font.SANS_SERIF, Font.PLAIN, 16);
    String scale = "x" + kernel.scale().w() + (kernel.scale().h() != kernel.scale().w()
        ? "," + kernel.scale().h() : "");
    BufferedImage a = ImageCodecs.toImage(to8(near));
    BufferedImage b = ImageCodecs.toImage(to8(out));
    String psnrNear = "";
    String psnrOut = "";
    if (truth != null) {
      int crop = Math.max(kernel.scale().w(), kernel.scale().h());
      psnrNear = String.format(java.util.Locale.ROOT, ", Y-PSNR %.2f dB",
          Quality.psnrY(truth, near, crop));
      psnrOut = String.format(java.util.Locale.ROOT, ", Y-PSNR %.2f dB",
          Quality.psnrY(truth, out, crop));
    }
    String labelA = "input " + in.width() + "x" + in.height() + ", " + (degrade ? "bicubic "
        : "nearest ") + scale + psnrNear;
    String labelB = kernel.name() + " " + scale + " (" + image.colorMode().resolve(kernel).name()
        .toLowerCase(java.util.Locale.ROOT) + (kernel.selfEnsemble() ? ", self-ensemble" : "")
        + ")" + psnrOut;
    // Each panel at least as wide as its label: a tiny image must not clip the text.
    int pw = Math.max(w, 8 + Math.max(textWidth(font, labelA), textWidth(font, labelB)));
    BufferedImage canvas = new BufferedImage(2 * pw + gap, 2 * (h + LABEL) + gap,
        BufferedImage.TYPE_INT_RGB);
    Graphics2D g = canvas.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, canvas.getWidth(), canvas.getHeight());
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING,
        RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setFont(font);
    draw(g, a, 0, labelA, w, h);
    draw(g, b, pw + gap, labelB, w, h);
    g.setColor(Color.RED);
    g.setStroke(new BasicStroke(2));
    g.drawRect(cx, LABEL + cy, cw, chh);
    g.drawRect(pw + gap + cx, LABEL + cy, cw, chh);
    int top = h + LABEL + gap;
    g.setColor(Color.BLACK);
    g.drawString("zoomed " + ZOOM + "x", 4, top + 20);
    g.setRenderingHint(RenderingHints.KEY_INTERPOLATION,
        RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
    g.drawImage(a, 0, top + LABEL, w, top + LABEL + h, cx, cy, cx + cw, cy + chh, null);
    g.drawImage(b, pw + gap, top + LABEL, pw + gap + w, top + LABEL + h, cx, cy, cx + cw,
        cy + chh, null);
    g.dispose();
    // The format the name asks for (a .jpg was written as PNG bytes before), PNG otherwise.
    ImageCodecs.write(ImageCodecs.toFrame(canvas, FrameInfo.ofFile(output.toString())), output,
        ImageCodecs.formatOfName(output) != null ? null : "png", 0.9f);
    out().println("wrote " + output + " (" + canvas.getWidth() + "x" + canvas.getHeight() + ")");
    return 0;
  }

  private static int textWidth(Font font, String text) {
    BufferedImage scratch = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = scratch.createGraphics();
    try {
      return g.getFontMetrics(font).stringWidth(text);
    } finally {
      g.dispose();
    }
  }

  private static void draw(Graphics2D g, BufferedImage img, int x, String label, int w, int h) {
    g.setColor(Color.BLACK);
    g.drawString(label, x + 4, 20);
    g.drawImage(img, x, LABEL, w, h, null);
  }

  private static Frame to8(Frame f) {
    if (f.layout().bitsPerSample() == 8) {
      return f;
    }
    short[] s = f.shorts();
    byte[] d = new byte[s.length];
    for (int i = 0; i < s.length; i++) {
      d[i] = (byte) ((s[i] & 0xffff) >> 8);
    }
    return Frame.of8(dev.upsampler.image.PixelLayout.of(f.layout().colorChannels(),
        f.layout().hasAlpha(), 8), f.width(), f.height(), d, f.info());
  }
}
