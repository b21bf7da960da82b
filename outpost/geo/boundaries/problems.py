"""What the boundary import refuses, named in Chinese (for people) and English (for the API)."""

from dataclasses import dataclass

MESSAGES: dict[str, tuple[str, str]] = {
    "no_boundary_files": ("目录中没有可导入的边界文件", "no boundary files in the folder"),
    "file_missing": ("文件不存在", "file does not exist"),
    "unknown_file_kind": ("无法识别的文件类型（应为 .csv 或 .geojson）", "unknown file kind"),
    "unknown_columns": ("无法识别的表头", "unrecognised columns"),
    "not_geojson": ("不是有效的 GeoJSON 要素集合", "not a GeoJSON FeatureCollection"),
    "geometry_unreadable": ("几何无法读取", "geometry cannot be read"),
    "unknown_feature": ("要素缺少 code 等属性，无法识别", "feature has no recognisable properties"),
    "duplicate_code": ("编码重复", "duplicate code"),
    "missing_name": ("名称为空", "name is empty"),
    "bad_name": (
        "名称过长（最多64个字符）或含有尖括号 < >、控制字符或换行",
        "name is too long (at most 64 characters) or has angle brackets < >, control "
        "characters or line breaks",
    ),
    "bad_division_code": ("区划编码应为12位数字", "division code must be 12 digits"),
    "bad_grid_code": ("网格编码应为15位数字", "grid code must be 15 digits"),
    "bad_police_code": (
        "公安机构编码应为12位数字且第7位为5",
        "police code must be 12 digits with 5 as the 7th digit",
    ),
    "bad_level": ("层级无效", "invalid level"),
    "unknown_parent": ("上级编码 {parent} 不存在", "parent code {parent} does not exist"),
    "wrong_parent_level": (
        "上级 {parent} 的层级不符（应为{expected}）",
        "parent {parent} is not a {expected}",
    ),
    "code_outside_parent": (
        "编码不以上级 {parent} 的编码开头",
        "code does not start with its parent {parent}'s code",
    ),
    "unknown_community": ("所属社区 {parent} 不存在", "community {parent} does not exist"),
    "grid_code_not_in_community": (
        "网格编码不以所属社区编码 {parent} 开头",
        "grid code does not start with its community code {parent}",
    ),
    "unknown_station": ("所属派出所 {parent} 不存在", "police station {parent} does not exist"),
    "beat_code_not_in_station": (
        "警务区编码前9位与派出所 {parent} 不一致",
        "beat code does not start with the first 9 digits of station {parent}",
    ),
    "unknown_street": ("辖区街道 {parent} 不存在", "street {parent} does not exist"),
    "unknown_division": ("区划 {parent} 不存在", "division {parent} does not exist"),
    "mostly_outside_district": (
        "边界有 {share:.0%} 位于所属区（{parent}）之外",
        "{share:.0%} of the boundary lies outside its district {parent}",
    ),
    "overlap": (
        "与 {other} 重叠 {share:.1%}（超过允许的 {limit:.1%}）",
        "overlaps {other} by {share:.1%} (more than the {limit:.1%} allowed)",
    ),
}


@dataclass(frozen=True)
class Problem:
    source: str  # the file
    feature: str  # the code of the row or feature, or #N when it has none
    key: str
    zh: str
    en: str

    @classmethod
    def of(cls, source: str, feature: str, key: str, **params: object) -> "Problem":
        zh, en = MESSAGES[key]
        return cls(source, feature, key, zh.format(**params), en.format(**params))

    def __str__(self) -> str:
        where = f"{self.source} {self.feature}".strip()
        return f"{where}：{self.zh}"


class BoundaryImportRefused(Exception):
    """Raised with every problem found; nothing has been written."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems
