using System.Buffers.Binary;

namespace Warden.Core.Predictions;

/// <summary>
/// The monitoring copies of consecutive predictions of one model version in columnar form, as stored: per row its sequence
/// number and batch size (and id when asked for), and per tensor a column of element-0 values, NaN where a row lacks the
/// tensor. Readers map the tensor names they want to columns once per block and then read values by row, so a million-row
/// window costs no per-row name matching and no per-row objects. <see cref="Rows"/> lists the rows inside the query's
/// window (shadow copies and rows outside the sequence or time bounds left out); rows that need their JSON payloads are
/// read separately (see <see cref="MonitoredWindow"/>).
/// </summary>
public sealed class MonitoredBlock
{
    private readonly ReadOnlyMemory<byte> _data;
    private readonly int _sequencesAt;
    private readonly int _batchesAt;
    private readonly int _valuesAt;
    private readonly int _count;
    private readonly string?[]? _ids;

    /// <summary>Creates a view over encoded block sections.</summary>
    /// <param name="data">The block bytes.</param>
    /// <param name="count">Rows in the block.</param>
    /// <param name="sequencesAt">Offset of the int64 sequence numbers.</param>
    /// <param name="batchesAt">Offset of the int32 batch sizes.</param>
    /// <param name="valuesAt">Offset of the float64 columns, inputs then outputs, <paramref name="count"/> values each.</param>
    /// <param name="inputNames">Input tensor names, in column order.</param>
    /// <param name="outputNames">Output tensor names, in column order after the inputs.</param>
    /// <param name="rows">Rows inside the query's window, ascending.</param>
    /// <param name="ids">Prediction ids by row, or null when not read.</param>
    public MonitoredBlock(
        ReadOnlyMemory<byte> data, int count, int sequencesAt, int batchesAt, int valuesAt, string[] inputNames, string[] outputNames, int[] rows, string?[]? ids)
    {
        if (valuesAt + ((long)(inputNames.Length + outputNames.Length) * count * 8) > data.Length || sequencesAt + (count * 8L) > data.Length || batchesAt + (count * 4L) > data.Length)
        {
            throw new ArgumentException("block sections lie outside the data", nameof(data));
        }

        _data = data;
        _count = count;
        _sequencesAt = sequencesAt;
        _batchesAt = batchesAt;
        _valuesAt = valuesAt;
        _ids = ids;
        InputNames = inputNames;
        OutputNames = outputNames;
        Rows = rows;
    }

    /// <summary>Input tensor names, in column order.</summary>
    public IReadOnlyList<string> InputNames { get; }

    /// <summary>Output tensor names, in column order.</summary>
    public IReadOnlyList<string> OutputNames { get; }

    /// <summary>Names of the text (BYTES) input columns, in the order of <see cref="TextInputs"/>; empty for blocks without them.</summary>
    public IReadOnlyList<string> TextInputNames { get; init; } = [];

    /// <summary>Per text input column, element 0 of that input as text by row (null where a row lacks it).</summary>
    public IReadOnlyList<string?[]> TextInputs { get; init; } = [];

    /// <summary>Element 0 of text input column <paramref name="column"/> at <paramref name="row"/>; null when the row lacks it.</summary>
    public string? Text(int column, int row) => TextInputs[Column(column, TextInputs.Count)][Check(row)];

    /// <summary>Rows inside the query's window, ascending (log order).</summary>
    public IReadOnlyList<int> Rows { get; }

    /// <summary>Log sequence number of <paramref name="row"/>.</summary>
    public long Sequence(int row) => BinaryPrimitives.ReadInt64LittleEndian(_data.Span[(_sequencesAt + (Check(row) * 8))..]);

    /// <summary>Batch size (first dimension of the first input) of <paramref name="row"/>.</summary>
    public int Batch(int row) => BinaryPrimitives.ReadInt32LittleEndian(_data.Span[(_batchesAt + (Check(row) * 4))..]);

    /// <summary>Prediction id of <paramref name="row"/>; null unless ids were asked for.</summary>
    public string? Id(int row) => _ids?[Check(row)];

    /// <summary>Element 0 of input column <paramref name="column"/> at <paramref name="row"/>; NaN when the row lacks it.</summary>
    public double Input(int column, int row) => Value(Column(column, InputNames.Count), row);

    /// <summary>Element 0 of output column <paramref name="column"/> at <paramref name="row"/>; NaN when the row lacks it.</summary>
    public double Output(int column, int row) => Value(InputNames.Count + Column(column, OutputNames.Count), row);

    private double Value(int column, int row) =>
        BinaryPrimitives.ReadDoubleLittleEndian(_data.Span[(_valuesAt + (((column * _count) + Check(row)) * 8))..]);

    private int Check(int row) => (uint)row < (uint)_count ? row : throw new ArgumentOutOfRangeException(nameof(row));

    private static int Column(int column, int count) => (uint)column < (uint)count ? column : throw new ArgumentOutOfRangeException(nameof(column));
}
