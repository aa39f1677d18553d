using System.Numerics;
using System.Runtime.InteropServices;

namespace VoiceAgent.Speech.Audio;

/// <summary>SIMD inner products for the FIR filters and the pitch correlator.</summary>
internal static class VectorMath
{
    /// <summary>Σ a[i]·b[i] over the shorter of the two spans.</summary>
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        int length = Math.Min(a.Length, b.Length);
        int i = 0;
        float sum = 0f;
        if (Vector.IsHardwareAccelerated && length >= Vector<float>.Count)
        {
            ReadOnlySpan<Vector<float>> va = MemoryMarshal.Cast<float, Vector<float>>(a[..length]);
            ReadOnlySpan<Vector<float>> vb = MemoryMarshal.Cast<float, Vector<float>>(b[..length]);
            var acc = Vector<float>.Zero;
            for (int v = 0; v < va.Length; v++)
            {
                acc += va[v] * vb[v];
            }

            sum = Vector.Sum(acc);
            i = va.Length * Vector<float>.Count;
        }

        for (; i < length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    /// <summary>w[i] += scale·x[i] over the shorter of the two spans (the NLMS update).</summary>
    public static void AddScaled(Span<float> w, ReadOnlySpan<float> x, float scale)
    {
        int length = Math.Min(w.Length, x.Length);
        int i = 0;
        if (Vector.IsHardwareAccelerated && length >= Vector<float>.Count)
        {
            Span<Vector<float>> vw = MemoryMarshal.Cast<float, Vector<float>>(w[..length]);
            ReadOnlySpan<Vector<float>> vx = MemoryMarshal.Cast<float, Vector<float>>(x[..length]);
            var s = new Vector<float>(scale);
            for (int v = 0; v < vw.Length; v++)
            {
                vw[v] += s * vx[v];
            }

            i = vw.Length * Vector<float>.Count;
        }

        for (; i < length; i++)
        {
            w[i] += scale * x[i];
        }
    }
}
