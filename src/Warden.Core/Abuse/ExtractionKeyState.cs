namespace Warden.Core.Abuse;

/// <summary>
/// PRADA state of one key: the growing set of distinct queries (ring buffer, oldest evicted first) with the minimum
/// distance each had when it joined, the monotone acceptance threshold, and the window of recent minimum distances.
/// Memory is bounded by <c>MaxGrowingSetSize × features + 2 × MaxGrowingSetSize + MaxDistances</c> doubles.
/// </summary>
internal sealed class ExtractionKeyState
{
    private readonly int _dimensions;
    private readonly double[] _set;
    private readonly double[] _setDistances;
    private readonly double[] _distances;
    private int _setStart;
    private int _setCount;
    private double _setDistanceSum;
    private double _setDistanceSquares;
    private int _distanceStart;
    private int _distanceCount;

    // The key's most recent distinct queries (ring), so that a replay of any of them is recognised, not only of members of G.
    private readonly double[] _recent;
    private int _recentStart;
    private int _recentCount;

    // Whether each of the most recent distinct queries was atypical of the reference (ring), and how many were.
    private readonly bool[] _atypical;
    private int _atypicalStart;
    private int _atypicalCount;

    public ExtractionKeyState(int dimensions, int maxSet, int maxDistances, int atypicalWindow = 0)
    {
        _dimensions = dimensions;
        _set = new double[dimensions * maxSet];
        _setDistances = new double[maxSet];
        _distances = new double[maxDistances];
        _recent = new double[dimensions * maxDistances];
        _atypical = new bool[atypicalWindow];
    }

    /// <summary>Distinct queries in the atypical window.</summary>
    public int AtypicalWindowCount => _atypicalCount;

    /// <summary>Atypical queries in the window.</summary>
    public int AtypicalCount { get; private set; }

    public long Queries { get; set; }

    /// <summary>Queries that were not replays of a recent one.</summary>
    public long Distinct { get; set; }

    public double Threshold { get; private set; }

    public int SetCount => _setCount;

    public int DistanceCount => _distanceCount;

    public double MinimumDistance(ReadOnlySpan<double> z)
    {
        double best = double.PositiveInfinity;
        int capacity = _setDistances.Length;
        for (int k = 0; k < _setCount; k++)
        {
            var member = _set.AsSpan(((_setStart + k) % capacity) * _dimensions, _dimensions);
            double sum = 0;
            for (int j = 0; j < _dimensions; j++)
            {
                double d = z[j] - member[j];
                sum += d * d;
                if (sum >= best)
                {
                    break;
                }
            }

            if (sum < best)
            {
                best = sum;
            }
        }

        return Math.Sqrt(best);
    }

    /// <summary>Adds a distinct query and raises the threshold to max(T, mean − std of the set's distances).</summary>
    public void AddToSet(ReadOnlySpan<double> z, double distance)
    {
        int capacity = _setDistances.Length;
        int slot;
        if (_setCount == capacity)
        {
            slot = _setStart;
            double old = _setDistances[slot];
            _setDistanceSum -= old;
            _setDistanceSquares -= old * old;
            _setStart = (_setStart + 1) % capacity;
        }
        else
        {
            slot = (_setStart + _setCount) % capacity;
            _setCount++;
        }

        z.CopyTo(_set.AsSpan(slot * _dimensions, _dimensions));
        _setDistances[slot] = distance;
        _setDistanceSum += distance;
        _setDistanceSquares += distance * distance;

        double mean = _setDistanceSum / _setCount;
        double variance = Math.Max(0, _setDistanceSquares / _setCount - mean * mean);
        Threshold = Math.Max(Threshold, mean - Math.Sqrt(variance));
    }

    /// <summary>
    /// True when <paramref name="z"/> lies within <paramref name="tolerance"/> of one of the recent distinct queries;
    /// otherwise remembers it as the newest of them.
    /// </summary>
    public bool IsReplay(ReadOnlySpan<double> z, double tolerance)
    {
        int capacity = _recent.Length / _dimensions;
        double bound = tolerance * tolerance;
        for (int k = 0; k < _recentCount; k++)
        {
            var seen = _recent.AsSpan(((_recentStart + k) % capacity) * _dimensions, _dimensions);
            double sum = 0;
            for (int j = 0; j < _dimensions && sum <= bound; j++)
            {
                double d = z[j] - seen[j];
                sum += d * d;
            }

            if (sum <= bound)
            {
                return true;
            }
        }

        int slot;
        if (_recentCount == capacity)
        {
            slot = _recentStart;
            _recentStart = (_recentStart + 1) % capacity;
        }
        else
        {
            slot = (_recentStart + _recentCount) % capacity;
            _recentCount++;
        }

        z.CopyTo(_recent.AsSpan(slot * _dimensions, _dimensions));
        return false;
    }

    /// <summary>Records whether the newest distinct query was atypical, evicting the oldest flag once the window is full.</summary>
    public void RecordAtypical(bool atypical)
    {
        int capacity = _atypical.Length;
        if (_atypicalCount == capacity)
        {
            AtypicalCount -= _atypical[_atypicalStart] ? 1 : 0;
            _atypical[_atypicalStart] = atypical;
            _atypicalStart = (_atypicalStart + 1) % capacity;
        }
        else
        {
            _atypical[(_atypicalStart + _atypicalCount) % capacity] = atypical;
            _atypicalCount++;
        }

        AtypicalCount += atypical ? 1 : 0;
    }

    public void RecordDistance(double distance)
    {
        int capacity = _distances.Length;
        if (_distanceCount == capacity)
        {
            _distances[_distanceStart] = distance;
            _distanceStart = (_distanceStart + 1) % capacity;
        }
        else
        {
            _distances[(_distanceStart + _distanceCount) % capacity] = distance;
            _distanceCount++;
        }
    }

    /// <summary>The recorded distances within <paramref name="sigma"/> standard deviations of their mean.</summary>
    public double[] DistancesWithoutOutliers(double sigma)
    {
        int capacity = _distances.Length;
        double sum = 0, squares = 0;
        for (int k = 0; k < _distanceCount; k++)
        {
            double d = _distances[(_distanceStart + k) % capacity];
            sum += d;
            squares += d * d;
        }

        double mean = sum / _distanceCount;
        double bound = sigma * Math.Sqrt(Math.Max(0, squares / _distanceCount - mean * mean));
        var kept = new List<double>(_distanceCount);
        for (int k = 0; k < _distanceCount; k++)
        {
            double d = _distances[(_distanceStart + k) % capacity];
            if (Math.Abs(d - mean) < bound)
            {
                kept.Add(d);
            }
        }

        return [.. kept];
    }
}
