namespace Warden.Core.Abuse;

/// <summary>Sweep state of one key: its previous query and the current run; constant size.</summary>
internal sealed class SweepKeyState(int dimensions)
{
    public double[] Previous { get; } = new double[dimensions];

    public bool HasPrevious { get; set; }

    public int Feature { get; set; } = -1;

    public int Direction { get; set; }

    /// <summary>Queries in the current sweep (steps + 1); 1 when no sweep is under way.</summary>
    public int Run { get; set; } = 1;

    public long Queries { get; set; }
}
