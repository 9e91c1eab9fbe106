package dev.upsampler.io;

import java.awt.Image;
import java.awt.Rectangle;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;
import java.awt.image.RenderedImage;
import java.awt.image.SampleModel;
import java.awt.image.WritableRaster;
import java.util.Vector;

/**
 * An 8-bit interleaved image whose rows are computed on demand, a strip of {@code stripRows} at a
 * time, and forgotten when the next strip is needed: ImageIO's PNG writer pulls rows through
 * {@link #getData(Rectangle)}, so an output far larger than the heap can be encoded with memory
 * for one strip. Its tiles are the strips; {@link #getData()}, the whole image at once, is
 * refused.
 */
public final class StripedImage implements RenderedImage {

  /** Computes output rows [firstRow, firstRow + rows) into {@code dst} (interleaved bytes). */
  @FunctionalInterface
  public interface Rows {
    void compute(int firstRow, int rows, byte[] dst);
  }

  private final int width;
  private final int height;
  private final int channels;
  private final int stripRows;
  private final Rows rows;
  private final ColorModel colorModel;
  private final byte[] strip;
  private int stripStart = -1;
  private int stripLength;

  StripedImage(int width, int height, int channels, int stripRows, Rows rows) {
    this.width = width;
    this.height = height;
    this.channels = channels;
    this.stripRows = Math.max(1, Math.min(stripRows, height));
    this.rows = rows;
    boolean alpha = channels == 2 || channels == 4;
    ColorSpace cs = ColorSpace.getInstance(channels <= 2 ? ColorSpace.CS_GRAY
        : ColorSpace.CS_sRGB);
    this.colorModel = new ComponentColorModel(cs, alpha, false,
        alpha ? Transparency.TRANSLUCENT : Transparency.OPAQUE, DataBuffer.TYPE_BYTE);
    this.strip = new byte[this.stripRows * width * channels];
  }

  @Override
  public Raster getData(Rectangle r) {
    WritableRaster out = colorModel.createCompatibleWritableRaster(r.width, r.height);
    byte[] dst = ((DataBufferByte) out.getDataBuffer()).getData();
    int rowBytes = width * channels;
    for (int y = 0; y < r.height; y++) {
      int row = r.y + y;
      if (row < stripStart || row >= stripStart + stripLength) {
        stripStart = row / stripRows * stripRows;
        stripLength = Math.min(stripRows, height - stripStart);
        rows.compute(stripStart, stripLength, strip);
      }
      System.arraycopy(strip, (row - stripStart) * rowBytes + r.x * channels, dst,
          y * r.width * channels, r.width * channels);
    }
    return out.createTranslatedChild(r.x, r.y);
  }

  @Override
  public Raster getData() {
    throw new UnsupportedOperationException("a striped image is read row by row");
  }

  /** One strip: JDK 25's PNG writer reads the tiles of an image in one tile column. */
  @Override
  public Raster getTile(int tileX, int tileY) {
    if (tileX != 0 || tileY < 0 || tileY >= getNumYTiles()) {
      throw new IndexOutOfBoundsException("tile (" + tileX + ", " + tileY + ") of a "
          + getNumYTiles() + "-strip image");
    }
    int y = tileY * stripRows;
    return getData(new Rectangle(0, y, width, Math.min(stripRows, height - y)));
  }

  @Override
  public WritableRaster copyData(WritableRaster raster) {
    Rectangle b = raster.getBounds();
    for (int y = b.y; y < b.y + b.height; y++) {
      raster.setRect(getData(new Rectangle(b.x, y, b.width, 1)));
    }
    return raster;
  }

  @Override
  public SampleModel getSampleModel() {
    int[] offsets = new int[channels];
    for (int i = 0; i < channels; i++) {
      offsets[i] = i;
    }
    return new PixelInterleavedSampleModel(DataBuffer.TYPE_BYTE, width, stripRows, channels,
        width * channels, offsets);
  }

  @Override
  public ColorModel getColorModel() {
    return colorModel;
  }

  @Override
  public Vector<RenderedImage> getSources() {
    return null;
  }

  @Override
  public Object getProperty(String name) {
    return Image.UndefinedProperty;
  }

  @Override
  public String[] getPropertyNames() {
    return null;
  }

  @Override
  public int getWidth() {
    return width;
  }

  @Override
  public int getHeight() {
    return height;
  }

  @Override
  public int getMinX() {
    return 0;
  }

  @Override
  public int getMinY() {
    return 0;
  }

  @Override
  public int getNumXTiles() {
    return 1;
  }

  @Override
  public int getNumYTiles() {
    return (height + stripRows - 1) / stripRows;
  }

  @Override
  public int getMinTileX() {
    return 0;
  }

  @Override
  public int getMinTileY() {
    return 0;
  }

  @Override
  public int getTileWidth() {
    return width;
  }

  @Override
  public int getTileHeight() {
    return stripRows;
  }

  @Override
  public int getTileGridXOffset() {
    return 0;
  }

  @Override
  public int getTileGridYOffset() {
    return 0;
  }
}
