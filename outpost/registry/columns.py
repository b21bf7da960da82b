"""Column names accepted in registry import files, per kind of import.

Canonical names are the CSV headers of the 鼓楼区 demo data (`data/gulou/*.csv`); persons also
take `address`, free text used when `addr_id` is empty. The canonical name itself is always
accepted too (so are English headers like "ID Number": matching ignores case, spaces, underscores
and hyphens, full-width brackets and the * that marks a required column; see `tabular`).
"""

__all__ = ["COLUMNS", "REQUIRED"]

_ADDR_ID = ["地址编码", "标准地址编码", "地址ID", "Address ID", "Address Code"]

COLUMNS: dict[str, dict[str, list[str]]] = {
    "addresses": {
        "addr_id": _ADDR_ID,
        "level": ["地址级别", "级别", "地址层级", "层级", "Level"],
        "parent_id": ["上级地址编码", "上级编码", "父级地址编码", "Parent ID"],
        "community_code": [
            "社区编码",
            "社区代码",
            "所属社区编码",
            "社区区划代码",
            "Community Code",
        ],
        "road": ["街路巷", "街路巷名称", "道路", "路名", "Road", "Street"],
        "door_no": ["门牌号", "门牌", "门牌号码", "Door No", "Door Number", "House Number"],
        "compound": ["小区", "小区名称", "小区名", "Compound"],
        "building": ["楼栋", "楼栋号", "楼号", "幢", "Building"],
        "unit": ["单元", "单元号", "Unit"],
        "floor": ["楼层", "层", "Floor"],
        "room": ["户室", "户室号", "室", "房号", "房间号", "Room"],
        "full_text": ["完整地址", "标准地址", "地址全称", "详细地址", "地址", "Full Address"],
        "lon": ["经度", "Longitude", "lng"],
        "lat": ["纬度", "Latitude"],
    },
    "persons": {
        "person_id": ["人员编号", "人员ID", "Person ID", "Person No"],
        "name": ["姓名", "名字", "Name", "Full Name"],
        "id_number": [
            "身份证号",
            "公民身份号码",
            "证件号码",
            "身份证号码",
            "身份证",
            "ID Number",
            "ID No",
        ],
        "gender": ["性别", "Gender", "Sex"],
        "birth_date": ["出生日期", "出生年月日", "生日", "Date of Birth", "Birth Date", "DOB"],
        "phone": [
            "手机号",
            "联系电话",
            "手机号码",
            "电话",
            "联系方式",
            "Phone",
            "Mobile",
            "Phone Number",
        ],
        "pop_type": ["人口类型", "人员类型", "Population Type"],
        "hukou_region": [
            "户籍地",
            "户籍地区划",
            "户籍地区划代码",
            "户籍所在地",
            "Hukou Region",
            "Hukou",
        ],
        "addr_id": _ADDR_ID,
        "address": ["地址", "现住址", "居住地址", "现居住地址", "住址", "Address"],
        "care_tags": ["关怀标签", "关爱标签", "Care Tags"],
    },
    "houses": {
        "house_id": ["房屋编号", "房屋ID", "House ID", "House No"],
        "addr_id": _ADDR_ID,
        "use": ["房屋用途", "用途", "使用情况", "房屋使用情况", "使用性质", "Use", "Usage"],
        "owner_person_id": [
            "房主人员编号",
            "产权人人员编号",
            "房主编号",
            "产权人编号",
            "Owner Person ID",
        ],
        "area_m2": [
            "面积",
            "建筑面积",
            "房屋面积",
            "面积（平方米）",
            "面积（㎡）",
            "Area",
            "Area m2",
        ],
        "occupants": ["居住人数", "实住人数", "在住人数", "Occupants"],
        "rental_filing_no": ["租赁备案号", "出租备案号", "租赁登记备案号", "Rental Filing No"],
    },
    "units": {
        "unit_id": ["单位编号", "单位ID", "Unit ID", "Unit No"],
        "name": ["单位名称", "名称", "单位", "Name", "Unit Name", "Organisation", "Organization"],
        "uscc": ["统一社会信用代码", "社会信用代码", "信用代码", "USCC", "Credit Code"],
        "unit_type": ["单位类型", "单位类别", "行业类别", "Unit Type", "Type"],
        "addr_id": _ADDR_ID,
        "legal_rep": ["法定代表人", "法人代表", "法人", "负责人", "Legal Representative"],
        "contact_phone": ["联系电话", "联系方式", "电话", "手机号", "Contact Phone", "Phone"],
        "employees": ["从业人数", "员工人数", "职工人数", "从业人员数", "Employees"],
        "is_key_unit": ["重点单位", "是否重点单位", "Key Unit", "Is Key Unit"],
    },
}

REQUIRED: dict[str, list[str]] = {
    "addresses": ["addr_id", "level", "community_code", "road", "door_no"],
    # A person also needs `addr_id` or `address`; that is checked row by row.
    "persons": ["name", "id_number"],
    "houses": ["addr_id", "use"],
    "units": ["name", "uscc", "addr_id"],
}
