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

    public ExtractionKeyState(int dimensions, int maxSet, int maxDistances)
    {
        _dimensions = dimensions;
        _set = new double[dimensions * maxSet];
        _setDistances = new double[maxSet];
        _distances = new double[maxDistances];
    }

    public long Queries { get; set; }

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
