using Microsoft.ML;
using Microsoft.ML.Data;

namespace Warden.Training.Tabular;

/// <summary>
/// An ML.NET <see cref="IDataView"/> over a <see cref="TabularTable"/>: one column per feature (Single for numeric and
/// boolean, NaN when missing; Text for categorical), named after the CSV header so the ONNX converter names its inputs after
/// them, and optionally the label as Boolean (followed, for a table with <see cref="TabularTable.Weights"/>, by the example
/// weight as Single, <see cref="TabularTrainer.WeightColumn"/>). Without the label, the view is what the model sees at inference.
/// </summary>
internal sealed class TabularDataView : IDataView
{
    private readonly TabularTable table;
    private readonly string? labelName;
    private readonly float[][] numbers;
    private readonly ReadOnlyMemory<char>[][] texts;

    public TabularDataView(TabularTable table, string? labelName)
    {
        this.table = table;
        this.labelName = labelName;
        var builder = new DataViewSchema.Builder();
        numbers = new float[table.FeatureNames.Count][];
        texts = new ReadOnlyMemory<char>[table.FeatureNames.Count][];
        for (var j = 0; j < table.FeatureNames.Count; j++)
        {
            var name = table.FeatureNames[j];
            var kind = table.Kinds[name];
            if (kind == TabularColumnKind.Categorical)
            {
                builder.AddColumn(name, TextDataViewType.Instance);
                texts[j] = table.Values[name].Select(v => v.AsMemory()).ToArray();
            }
            else
            {
                builder.AddColumn(name, NumberDataViewType.Single);
                numbers[j] = table.Values[name].Select(v => TabularEncoder.Number(kind, v)).ToArray();
            }
        }

        if (labelName is not null)
        {
            builder.AddColumn(labelName, BooleanDataViewType.Instance);
            if (table.Weights is not null)
            {
                builder.AddColumn(TabularTrainer.WeightColumn, NumberDataViewType.Single);
            }
        }

        Schema = builder.ToSchema();
    }

    public bool CanShuffle => false;

    public DataViewSchema Schema { get; }

    public long? GetRowCount() => table.RowCount;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null) =>
        new Cursor(this, columnsNeeded.Select(c => c.Index).ToHashSet());

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];

    private sealed class Cursor(TabularDataView view, HashSet<int> active) : DataViewRowCursor
    {
        private long position = -1;

        public override long Position => position;

        public override long Batch => 0;

        public override DataViewSchema Schema => view.Schema;

        public override bool MoveNext() => ++position < view.table.RowCount;

        public override bool IsColumnActive(DataViewSchema.Column column) => active.Contains(column.Index);

        public override ValueGetter<DataViewRowId> GetIdGetter() =>
            (ref DataViewRowId value) => value = new DataViewRowId((ulong)position, 0);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            var j = column.Index;
            Delegate getter;
            if (view.labelName is not null && j == view.table.FeatureNames.Count)
            {
                getter = (ValueGetter<bool>)((ref bool value) => value = view.table.Labels[position]);
            }
            else if (view.labelName is not null && j == view.table.FeatureNames.Count + 1 && view.table.Weights is { } weights)
            {
                getter = (ValueGetter<float>)((ref float value) => value = weights[position]);
            }
            else if (view.texts[j] is { } text)
            {
                getter = (ValueGetter<ReadOnlyMemory<char>>)((ref ReadOnlyMemory<char> value) => value = text[position]);
            }
            else
            {
                var number = view.numbers[j];
                getter = (ValueGetter<float>)((ref float value) => value = number[position]);
            }

            return getter as ValueGetter<TValue>
                ?? throw new InvalidOperationException($"Column '{column.Name}' is not of type {typeof(TValue).Name}.");
        }
    }
}
