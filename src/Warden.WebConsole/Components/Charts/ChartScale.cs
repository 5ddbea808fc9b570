using System.Globalization;

namespace Warden.WebConsole.Components.Charts;

/// <summary>A linear axis from <see cref="Min"/> to <see cref="Max"/> mapped onto <see cref="Pixels"/>, with round tick values.</summary>
public sealed class ChartScale
{
    public ChartScale(double min, double max, double pixels)
    {
        if (!(max > min))
        {
            max = min + 1;
        }

        var step = NiceStep((max - min) / 5);
        Min = Math.Floor(min / step) * step;
        Max = Math.Ceiling(max / step) * step;
        Step = step;
        Pixels = pixels;
    }

    public double Min { get; }

    public double Max { get; }

    public double Step { get; }

    public double Pixels { get; }

    /// <summary>Pixel offset of <paramref name="value"/>, clamped to the axis.</summary>
    public double At(double value) => Math.Clamp((value - Min) / (Max - Min), 0, 1) * Pixels;

    public IEnumerable<double> Ticks()
    {
        for (var t = Min; t <= Max + Step / 2; t += Step)
        {
            yield return Math.Round(t, 10);
        }
    }

    public static string Px(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

    public static string Label(double value) => value.ToString(Math.Abs(value) >= 100 ? "0" : "0.##", CultureInfo.InvariantCulture);

    private static double NiceStep(double rough)
    {
        if (!(rough > 0) || !double.IsFinite(rough))
        {
            return 1;
        }

        var power = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        var fraction = rough / power;
        return (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * power;
    }
}
