"""Why a question was refused or clarified, in words an analyst reads in the review queue (the
codes stay stable for the API and the audit log; people never see them)."""

from __future__ import annotations

REASONS = {
    "out_of_scope": ("目录里没有这个指标", "no catalog metric for it"),
    "outside_scope": ("超出提问人的数据权限", "outside the asker's rows"),
    "write_request": ("要求修改数据", "asked to change data"),
    "personal_data": ("要求个人信息", "asked for personal data"),
    "sql_not_allowed": ("要求执行 SQL", "asked to run SQL"),
    "too_long": ("问题太长", "question too long"),
    "ambiguous_metric": ("可能指几个指标", "could mean several metrics"),
    "uncertain_metric": ("指标不确定", "metric uncertain"),
    "uncertain_dimension": ("维度不确定", "breakdown uncertain"),
    "ambiguous_value": ("一个值属于几个维度", "a value of several dimensions"),
    "ambiguous_number": ("数字的含义不确定", "a number of unclear meaning"),
    "unrecognised_words": ("有词语不认识", "words not recognised"),
    "unknown_value": ("值不认识，给出了相近的值", "unknown value, close ones offered"),
    "typo": ("疑似错别字", "a likely typo"),
    "several_periods": ("问题里有多个时间", "several periods named"),
    "two_grains": ("两种时间粒度", "two time grains"),
    "future_period": ("问的是还没到来的时间", "a period still to come"),
    "before_data": ("时间早于数据起点", "period before the data starts"),
    "compared_before_data": ("对比期早于数据起点", "comparison before the data starts"),
    "no_data_yet": ("这个时间还没有数据", "no data for the period yet"),
    "excluded_by_definition": ("指标口径已排除该筛选", "filter excluded by the metric's definition"),
    "rank_without_dimension": ("排名没有说按什么排", "ranking without its subject"),
    "threshold_without_dimension": ("条件没有说对谁", "condition without its subject"),
    "rank_by_change": ("按变化排名的方式不明", "ranking by the change unclear"),
    "average_or_per_thing": ("平均的口径不明", "which average is meant is unclear"),
    "metric_without_dimension": ("该指标不能这样拆分", "the metric lacks that breakdown"),
    "change_unclear": ("变化的方向或口径不明", "change unclear"),
    "decline_band": ("下降幅度的区间不明", "decline band unclear"),
    "growth_base": ("增长没有基期", "growth without a base"),
    "percent_of_what": ("百分比的基数不明", "percent of what is unclear"),
    "average_of_what": ("平均的对象不明", "average of what is unclear"),
    "average_scope": ("平均的范围不明", "average scope unclear"),
    "average_over": ("按期平均需要完整的期", "average per period needs whole periods"),
    "cumulative_needs_period": ("累计需要时间粒度", "running total needs a grain"),
    "not_additive": ("这个指标不能相加", "metric cannot be added up"),
    "listing_with_period": ("清单不按时间", "listings have no period"),
    "listing_without_subject": ("清单没有说列什么", "listing without its subject"),
    "share_scope": ("占比的整体不明", "share of what whole is unclear"),
    "share_of_another": ("一个值占另一个值的比例（不是部分占整体）", "one value against another, no share of a whole"),
    "rank_count_or_score": ("最好/最差按条数还是按评分", "best by the number of rows or by their score"),
    "change_and_value": ("变化和数值一起作条件", "a change and a value bounded together"),
    "shared_names": ("按名称汇总会合并同名者", "names shared by several things"),
    "no_count": ("问个数，但只有金额", "a count asked of an amount"),
    "no_ratio": ("没有这两个指标的比值", "no ratio of those metrics"),
    "cumulative_compared": ("累计值的占比或同比", "a share or change of a running total"),
    "execution_error": ("查询执行失败", "query failed"),
    "internal_error": ("处理时出错", "failed while answering"),
    "nested_rank": ("排名之内再拆分", "a breakdown inside a ranking's top"),
    "model_unavailable": ("模型不可用", "model unavailable"),
}


def reason_text(code: str, lang: str = "zh") -> str:
    """The words for ``code``; an unknown or guard code reads as a general reason, never as itself."""
    zh, en = REASONS.get(code, ("SQL 守卫拦截", "stopped by the SQL guard") if code.startswith("guard_")
                         else ("其他原因", "other reason"))
    return en if lang == "en" else zh
