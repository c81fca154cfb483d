#!/usr/bin/env python3
"""Mine an order log with Spark MLlib's FPGrowth and write what `basketlift import-spark` reads.

    spark-submit examples/spark/mine_rules.py s3://shop/orders/ --out s3://shop/fpgrowth/2024-06 \\
        --order-col InvoiceNo --item-col StockCode --quantity-col Quantity \\
        --min-support 0.005 --min-confidence 0.1

    basketlift import-spark --rules fpgrowth/2024-06/associationRules \\
        --itemsets fpgrowth/2024-06/freqItemsets --pairs fpgrowth/2024-06/itemPairs \\
        [--catalog catalog.csv] -o rules.blb

The order log is a CSV with a header and one row per order line, as for `basketlift mine`. Baskets
are built the way the CLI's ingest builds them, so both paths give the same item labels and the
same counts: order and item ids trimmed of spaces, tabs and CRs at either end, rows with an empty
order or item dropped, rows with quantity <= 0 dropped (--quantity-col), each order's items as a
set (FPGrowth rejects a basket holding an item twice).

Outputs, under --out (docs/spark.md has the exact schemas):
  freqItemsets/       model.freqItemsets      items: array<string>, freq: long
  associationRules/   model.associationRules  antecedent, consequent: array<string>,
                                              confidence, lift, support: double
  itemPairs/          pair counts             items: array<string> of one item (the baskets
                                              holding it) or two (the baskets holding both),
                                              freq: long; every item and every pair bought
                                              together, no threshold (--no-pairs: none)
as JSON lines (DataFrame.write.json, the default) and/or, with --format csv|both, as CSV in
freqItemsets-csv/, associationRules-csv/ and itemPairs-csv/: Spark cannot write array columns
to CSV, so each
array is joined with '|' (concat_ws) and the files get a header; item ids must then not contain
'|' (the job checks, and JSON has no such limit).
"""

import argparse

from pyspark.ml.fpm import FPGrowth
from pyspark.sql import SparkSession
from pyspark.sql import functions as F

# The CLI's ingest trims exactly these characters from ids (core/ingest.cpp).
TRIM = r'^[ \t\r]+|[ \t\r]+$'


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('orders', help='order log: CSV file(s) or directory, header required')
    p.add_argument('--out', required=True, help='directory for the outputs')
    p.add_argument('--order-col', default='order_id')
    p.add_argument('--item-col', default='item_id')
    p.add_argument('--quantity-col', help='rows with quantity <= 0 are dropped (returns)')
    p.add_argument('--min-support', type=float, default=0.01,
                   help='Spark keeps itemsets with freq >= ceil(minSupport * baskets)')
    p.add_argument('--min-confidence', type=float, default=0.1)
    p.add_argument('--num-partitions', type=int, help="FPGrowth's numPartitions")
    p.add_argument('--format', choices=['json', 'csv', 'both'], default='json')
    p.add_argument('--gzip', action='store_true', help='compress the part files (.gz)')
    p.add_argument('--no-pairs', action='store_true',
                   help='skip itemPairs (the bundle then has no neighbours and no learned '
                        'weights); they cost a shuffle of sum(basket size^2) / 2 rows')
    p.add_argument('--multiline', action='store_true',
                   help='the order log has quoted fields with line breaks (slower: not split)')
    return p.parse_args()


def main():
    args = parse_args()
    spark = SparkSession.builder.appName('basketlift-fpgrowth').getOrCreate()

    reader = (spark.read.option('header', True)
              .option('escape', '"')  # RFC 4180: "" inside quotes, as the CLI reads it
              .option('multiLine', args.multiline))
    orders = reader.csv(args.orders)  # every column a string: ids stay exactly as written

    order = F.regexp_replace(F.col(args.order_col), TRIM, '')
    item = F.regexp_replace(F.col(args.item_col), TRIM, '')
    lines = orders.select(order.alias('order'), item.alias('item'),
                          *([F.col(args.quantity_col).cast('double').alias('quantity')]
                            if args.quantity_col else []))
    lines = lines.where(F.col('order').isNotNull() & (F.col('order') != '') &
                        F.col('item').isNotNull() & (F.col('item') != ''))
    if args.quantity_col:
        lines = lines.where(F.col('quantity') > 0)

    baskets = lines.groupBy('order').agg(F.collect_set('item').alias('items'))
    if not args.no_pairs:
        baskets = baskets.persist()  # read again for the pair counts

    fpgrowth = FPGrowth(itemsCol='items', minSupport=args.min_support,
                        minConfidence=args.min_confidence)
    if args.num_partitions:
        fpgrowth.setNumPartitions(args.num_partitions)
    model = fpgrowth.fit(baskets)

    compression = 'gzip' if args.gzip else 'none'
    out = args.out.rstrip('/')

    # The pair counts, XᵀX as a sparse list: import-spark builds the neighbour and learned
    # sections from them with the code `basketlift mine` runs. Neighbours have no support
    # threshold, so every pair bought together is needed. A basket of k items yields k(k-1)/2
    # rows before the aggregation: the shuffle is O(sum of basket size^2), the output one row per
    # distinct pair.
    item_pairs = None
    if not args.no_pairs:
        singles = (baskets.select(F.explode('items').alias('a'))
                   .groupBy('a').agg(F.count(F.lit(1)).alias('freq'))
                   .select(F.array('a').alias('items'), 'freq'))
        pairs = (baskets.select('items', F.explode('items').alias('a'))
                 .select('a', F.explode(F.expr('filter(items, x -> x > a)')).alias('b'))
                 .groupBy('a', 'b').agg(F.count(F.lit(1)).alias('freq'))
                 .select(F.array('a', 'b').alias('items'), 'freq'))
        item_pairs = singles.unionByName(pairs)

    if args.format in ('json', 'both'):
        # The exact calls import-spark is tested against: one JSON object per line.
        model.freqItemsets.write.mode('overwrite').option('compression', compression) \
            .json(out + '/freqItemsets')
        model.associationRules.write.mode('overwrite').option('compression', compression) \
            .json(out + '/associationRules')
        if item_pairs is not None:
            item_pairs.write.mode('overwrite').option('compression', compression) \
                .json(out + '/itemPairs')

    if args.format in ('csv', 'both'):
        if lines.where(F.col('item').contains('|')).limit(1).count():
            raise SystemExit("an item id contains '|', which the CSV convention uses to join "
                             "items: use --format json")

        def joined(column):
            return F.concat_ws('|', F.col(column)).alias(column)

        def csv_writer(df):
            # header: import-spark finds the columns by name. escape='"': quotes inside quoted
            # fields doubled (RFC 4180) instead of Spark's default backslash. No whitespace
            # trimming: Spark's CSV writer trims values by default, which would change labels.
            return (df.write.mode('overwrite')
                    .option('header', True)
                    .option('escape', '"')
                    .option('ignoreLeadingWhiteSpace', False)
                    .option('ignoreTrailingWhiteSpace', False)
                    .option('compression', compression))

        csv_writer(model.freqItemsets.select(joined('items'), 'freq')) \
            .csv(out + '/freqItemsets-csv')
        csv_writer(model.associationRules.select(joined('antecedent'), joined('consequent'),
                                                 'confidence', 'lift', 'support')) \
            .csv(out + '/associationRules-csv')
        if item_pairs is not None:
            csv_writer(item_pairs.select(joined('items'), 'freq')).csv(out + '/itemPairs-csv')

    spark.stop()


if __name__ == '__main__':
    main()
