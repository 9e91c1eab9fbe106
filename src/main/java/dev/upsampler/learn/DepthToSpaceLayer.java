package dev.upsampler.learn;

import dev.upsampler.engine.NetworkLayer;
import dev.upsampler.engine.Tensor;

/**
 * Depth to space (pixel shuffle): a permutation, so the backward pass is the inverse
 * permutation of the gradient and there are no parameters.
 */
public final class DepthToSpaceLayer extends ParameterFreeLayer {
  private final NetworkLayer.DepthToSpace layer;

  public DepthToSpaceLayer(int out, int block, boolean dcr) {
    this.layer = new NetworkLayer.DepthToSpace(out, block, dcr);
  }

  @Override
  public Tensor forward(Tensor x) {
    int b = layer.block();
    Tensor y = Tensor.zeros(x.n(), layer.out(), x.h() * b, x.w() * b);
    for (int n = 0; n < x.n(); n++) {
      for (int c = 0; c < layer.out(); c++) {
        for (int i = 0; i < b; i++) {
          for (int j = 0; j < b; j++) {
            int src = layer.source(c, i, j);
            for (int yy = 0; yy < x.h(); yy++) {
              for (int xx = 0; xx < x.w(); xx++) {
                y.set(n, c, yy * b + i, xx * b + j, x.get(n, src, yy, xx));
              }
            }
          }
        }
      }
    }
    return y;
  }

  @Override
  public Tensor backward(Tensor g) {
    int b = layer.block();
    int h = g.h() / b;
    int w = g.w() / b;
    Tensor dx = Tensor.zeros(g.n(), layer.inChannels(), h, w);
    for (int n = 0; n < g.n(); n++) {
      for (int c = 0; c < layer.out(); c++) {
        for (int i = 0; i < b; i++) {
          for (int j = 0; j < b; j++) {
            int src = layer.source(c, i, j);
            for (int yy = 0; yy < h; yy++) {
              for (int xx = 0; xx < w; xx++) {
                dx.set(n, src, yy, xx, g.get(n, c, yy * b + i, xx * b + j));
              }
            }
          }
        }
      }
    }
    return dx;
  }

  @Override
  public NetworkLayer inference() {
    return layer;
  }

  @Override
  public Layer replica() {
    return new DepthToSpaceLayer(layer.out(), layer.block(), layer.dcr());
  }
}
