"""Every text the dashboard shows, in Vietnamese and English; numbers, dates, times in each.

Pure: no Streamlit. Pages get a translator with ``translator(lang)`` and call it with a key and
the values to put in. Vietnamese writes dates ``dd/mm/yyyy``, 24-hour times, ``.`` between
thousands and ``,`` before decimals; English here keeps ``dd/mm/yyyy`` and 24-hour times too (the
ward's documents use them) with ``,`` between thousands.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any, Literal

from geodata.schema import FacilityKind, IncidentType

__all__ = [
    "LANGS",
    "TEXT",
    "Lang",
    "fmt_clock",
    "fmt_date",
    "fmt_duration",
    "fmt_number",
    "incident_label",
    "kind_label",
    "risk_level_label",
    "t",
    "translator",
]

Lang = Literal["vi", "en"]
LANGS: tuple[Lang, ...] = ("vi", "en")

# key: (Vietnamese, English). Values are str.format templates.
TEXT: dict[str, tuple[str, str]] = {
    # app shell
    "app.title": ("Lập kế hoạch tuần tra", "Patrol planning"),
    "app.subtitle": (
        "Tuần tra khép kín ban đêm - Công an phường và Ban chỉ huy quân sự phường",
        "Closed-loop night patrols - ward police and ward military command",
    ),
    "app.lang": ("Ngôn ngữ / Language", "Ngôn ngữ / Language"),
    "app.group.plan": ("Tuần tra", "Patrols"),
    "app.group.data": ("Dữ liệu", "Data"),
    "app.group.help": ("Hệ thống", "System"),
    "app.help_link": ("Hướng dẫn sử dụng", "User guide"),
    "app.area": ("Địa bàn: {name}", "Area: {name}"),
    "app.demo_badge": (
        "Dữ liệu minh họa: {n} vụ việc được tạo tự động, không phải số liệu thật.",
        "Demonstration data: {n} generated incidents, not real records.",
    ),
    "app.offline_assets": (
        "Chưa cài thư viện bản đồ (Leaflet). Chạy: python -m dashboard.assets install",
        "The map library (Leaflet) is not installed. Run: python -m dashboard.assets install",
    ),
    "app.error": ("Không thực hiện được: {text}", "Could not do this: {text}"),
    "app.not_ready": (
        "Chức năng này cần mô-đun {module}, hiện chưa có trong bản cài đặt.",
        "This needs the module {module}, which is not in this installation yet.",
    ),
    # pages
    "page.map": ("Bản đồ", "Map"),
    "page.plan": ("Lập kế hoạch ca", "Plan a shift"),
    "page.routes": ("Lộ trình", "Routes and timeline"),
    "page.data": ("Dữ liệu", "Data"),
    "page.review": ("Rà soát điểm nóng", "Hotspot review"),
    "page.settings": ("Cài đặt", "Settings"),
    "page.help": ("Hướng dẫn", "Help"),
    # map page
    "map.facilities": ("Mục tiêu", "Sites"),
    "map.facility_count": ("{n} mục tiêu", "{n} sites"),
    "map.incident_count": ("{n} vụ việc", "{n} incidents"),
    "map.depot_count": ("{n} điểm xuất phát", "{n} depots"),
    "map.hour": ("Giờ xem mức nguy cơ", "Hour shown"),
    "map.incident_view": ("Hiển thị vụ việc", "Show incidents as"),
    "map.view.cells": ("Ô lưới 50 m", "50 m grid cells"),
    "map.view.heat": ("Bản đồ nhiệt", "Heat map"),
    "map.view.cluster": ("Cụm điểm", "Clusters"),
    "map.view.none": ("Không hiển thị", "Hidden"),
    "map.online_tiles": (
        "Nền bản đồ trực tuyến (cần Internet)",
        "Online base map (needs internet)",
    ),
    "map.click_add": ("Nhấp trên bản đồ để thêm", "Click on the map to add"),
    "map.add.none": ("Không thêm", "Nothing"),
    "map.add.incident": ("Vụ việc", "An incident"),
    "map.add.facility": ("Mục tiêu", "A site"),
    "map.clicked": ("Vị trí đã chọn: {lat}, {lon}", "Chosen point: {lat}, {lon}"),
    "map.add_button": ("Thêm", "Add"),
    "map.added_incident": ("Đã thêm vụ việc tại {lat}, {lon}.", "Incident added at {lat}, {lon}."),
    "map.added_facility": ("Đã thêm mục tiêu “{name}”.", "Site “{name}” added."),
    "map.add_name": ("Tên cơ sở", "Name"),
    "map.add_kind": ("Loại hình", "Kind"),
    "map.add_type": ("Loại vụ việc", "Incident type"),
    "map.add_time": ("Thời gian (dd/mm/yyyy HH:MM)", "Time (dd/mm/yyyy HH:MM)"),
    "map.outside": ("Điểm này nằm ngoài địa bàn.", "This point lies outside the area."),
    "map.by_kind": ("Số mục tiêu theo loại hình", "Sites by kind"),
    "map.kind": ("Loại hình", "Kind"),
    "map.count": ("Số lượng", "Count"),
    # map layers and popups
    "layer.streets": ("Đường phố", "Streets"),
    "layer.buildings": ("Nhà", "Buildings"),
    "layer.residential": ("Khu dân cư", "Residential land"),
    "layer.boundary": ("Ranh giới địa bàn", "Area boundary"),
    "layer.facilities": ("Mục tiêu trọng điểm", "Key sites"),
    "layer.incidents": ("Vụ việc", "Incidents"),
    "layer.depots": ("Điểm xuất phát", "Depots"),
    "layer.online": ("Nền trực tuyến", "Online tiles"),
    "layer.routes": ("Lộ trình {team}", "Route of {team}"),
    "layer.water": ("Mặt nước", "Water"),
    "legend.title": ("Chú giải", "Legend"),
    "legend.risk": ("Mức độ nguy cơ của mục tiêu", "Risk level of the sites"),
    "legend.cells": ("Số vụ việc trong ô 50 m: ít → nhiều", "Incidents per 50 m cell: few → many"),
    "legend.teams": ("Tổ tuần tra (mũi tên: hướng đi)", "Patrol teams (arrows: direction)"),
    "legend.stops": ("Số thứ tự điểm dừng của tổ", "The team's stop numbers"),
    "plan.team_filter": ("Tổ hiện trên bản đồ", "Teams on the map"),
    "plan.stop_pick": (
        "Chọn một dòng để tô sáng điểm dừng trên bản đồ; bấm một điểm dừng trên bản đồ để tô "
        "sáng dòng của nó.",
        "Pick a row to highlight the stop on the map; click a stop on the map to highlight its "
        "row.",
    ),
    "popup.kind": ("Loại hình", "Kind"),
    "popup.address": ("Địa chỉ", "Address"),
    "popup.risk": ("Mức độ nguy cơ", "Risk level"),
    "popup.why": ("Lý do", "Why"),
    "popup.why_below": ("Xem chi tiết dưới bản đồ.", "See the details below the map."),
    "popup.hours": ("Giờ hoạt động", "Opening hours"),
    "popup.unnamed": ("(chưa có tên)", "(no name)"),
    "popup.cell": ("{n} vụ việc trong ô 50 m", "{n} incidents in this 50 m cell"),
    "popup.stop": ("Điểm dừng {k}: {name}", "Stop {k}: {name}"),
    "popup.stop_time": (
        "Đến {arrive}, kiểm tra {start}-{depart}",
        "Arrive {arrive}, check {start}-{depart}",
    ),
    "risk.low": ("Thấp", "Low"),
    "risk.medium": ("Trung bình", "Medium"),
    "risk.high": ("Cao", "High"),
    "risk.very_high": ("Rất cao", "Very high"),
    "risk.unknown": ("Chưa đánh giá", "Not assessed"),
    # plan page
    "plan.date": ("Ngày trực", "Date"),
    "plan.start": ("Bắt đầu ca", "Shift start"),
    "plan.end": ("Kết thúc ca", "Shift end"),
    "plan.hr_start": ("Khung giờ nguy cơ cao: từ", "High-risk window: from"),
    "plan.hr_end": ("đến", "to"),
    "plan.teams": ("Số tổ tuần tra", "Number of teams"),
    "plan.depots": ("Điểm xuất phát", "Depots"),
    "plan.include": ("Bắt buộc đưa vào", "Force in"),
    "plan.exclude": ("Bỏ ra khỏi kế hoạch", "Leave out"),
    "plan.time_limit": ("Thời gian tính toán (giây)", "Solver time (seconds)"),
    "plan.solve": ("Lập kế hoạch", "Solve"),
    "plan.reseed": ("Phương án khác tương đương", "Another equally good plan"),
    "plan.solving": ("Đang tính lộ trình cho {n} tổ...", "Planning routes for {n} teams..."),
    "plan.done": ("Đã lập kế hoạch ({s} giây).", "Plan ready ({s} s)."),
    "plan.none": (
        "Chưa có kế hoạch. Chọn thông số rồi bấm “Lập kế hoạch”.",
        "No plan yet. Choose the options and press “Solve”.",
    ),
    "plan.metrics": ("Các chỉ số của kế hoạch", "Plan figures"),
    "plan.metric.value": ("Mức bao phủ nguy cơ", "Risk covered"),
    "plan.metric.served": ("Lượt kiểm tra", "Visits served"),
    "plan.metric.unserved": ("Mục tiêu chưa được kiểm tra", "Targets not checked"),
    "plan.metric.travel": ("Tổng thời gian di chuyển", "Total travel time"),
    "plan.metric.teams": ("Số tổ xuất phát", "Teams on the road"),
    "plan.metric.high_risk": ("Lượt trong khung giờ nguy cơ cao", "Visits in the high-risk window"),
    "plan.cover_title": ("Mục tiêu trọng điểm đêm nay", "Key targets tonight"),
    "plan.left_out": (
        "Mục tiêu mức rất cao chưa được kiểm tra trong khung giờ nguy cơ cao:",
        "Very-high targets not checked inside the high-risk window:",
    ),
    "plan.choose": ("Chọn...", "Choose..."),
    "plan.value_detail": (
        "Mức bao phủ nguy cơ {value} trên tổng {total} điểm nguy cơ của các lượt kiểm tra.",
        "Risk covered {value} of {total} risk points of the visits.",
    ),
    "plan.seed": ("Mã phương án: {seed}", "Variant: {seed}"),
    "plan.rota": ("Lịch tuần tra nhiều đêm", "Rota of several nights"),
    "rota.col.target": ("Mục tiêu", "Target"),
    "rota.col.level": ("Mức nguy cơ", "Risk level"),
    "rota.col.window": ("Số đêm trong khung giờ nguy cơ cao", "Nights inside the window"),
    "plan.rota_nights": ("Số đêm", "Nights"),
    "plan.rota_run": ("Lập lịch tuần tra", "Plan the rota"),
    "plan.rota_hint": (
        "Các đêm liền nhau được lập cùng nhau: mỗi mục tiêu mức rất cao được kiểm tra trong "
        "khung giờ nguy cơ cao ít nhất {k} đêm, mỗi mục tiêu mức cao ít nhất {h} đêm; giờ, "
        "đêm và tổ kiểm tra thay đổi để không ai đoán trước được.",
        "Consecutive nights planned together: every very-high target inside the high-risk "
        "window on at least {k} nights, every high target on at least {h}; times, nights and "
        "teams vary so that no one can learn the pattern.",
    ),
    "plan.rota_solving": ("Đang lập lịch {n} đêm...", "Planning {n} nights..."),
    "plan.rota_download": ("Tải lịch tuần tra (văn bản)", "Download the rota (text)"),
    "plan.shift_label": ("Ca trực {label}", "Shift {label}"),
    # routes page
    "routes.team": ("Tổ {team}", "Team {team}"),
    "routes.summary": (
        "Xuất phát {depart}, về {back}; {n} điểm dừng; di chuyển {travel}",
        "Leaves {depart}, back {back}; {n} stops; travel {travel}",
    ),
    "routes.col.no": ("STT", "No."),
    "routes.col.site": ("Mục tiêu", "Site"),
    "routes.col.kind": ("Loại hình", "Kind"),
    "routes.col.arrive": ("Đến", "Arrive"),
    "routes.col.start": ("Bắt đầu kiểm tra", "Check from"),
    "routes.col.depart": ("Rời đi", "Leave"),
    "routes.col.risk": ("Nguy cơ", "Risk"),
    "routes.depot": ("Điểm xuất phát: {name}", "Depot: {name}"),
    # data page
    "data.survey": ("Danh sách mục tiêu (khảo sát)", "Facility survey"),
    "data.incidents": ("Vụ việc", "Incidents"),
    "data.upload_survey": (
        "Tải lên danh sách mục tiêu (CSV/XLSX)",
        "Upload the facility survey (CSV/XLSX)",
    ),
    "data.upload_incidents": (
        "Tải lên danh sách vụ việc (CSV/XLSX)",
        "Upload the incidents (CSV/XLSX)",
    ),
    "data.refused": (
        "Tệp {file} có {n} lỗi; chưa lưu dữ liệu nào. Sửa các dòng dưới đây rồi tải lên lại.",
        "The file {file} has {n} problems; nothing was saved. "
        "Fix the rows below and upload it again.",
    ),
    "data.accepted": ("Đã nạp {n} dòng từ {file}.", "Loaded {n} rows from {file}."),
    "data.col.file": ("Tệp", "File"),
    "data.col.row": ("Dòng", "Row"),
    "data.col.column": ("Cột", "Column"),
    "data.col.value": ("Giá trị", "Value"),
    "data.col.problem": ("Lỗi", "Problem"),
    "data.download_csv": ("Tải về CSV", "Download CSV"),
    "data.download_xlsx": ("Tải về XLSX", "Download XLSX"),
    "data.rows": ("{n} dòng", "{n} rows"),
    "data.reset": ("Trở về dữ liệu mặc định", "Back to the default data"),
    "data.source_uploaded": ("Nguồn: tệp tải lên {file}", "Source: uploaded file {file}"),
    "data.source_default": (
        "Nguồn: dữ liệu OpenStreetMap của địa bàn",
        "Source: the area's OpenStreetMap data",
    ),
    # settings page
    "settings.mode": ("Phương tiện tuần tra", "Travel mode"),
    "settings.mode.motorbike": ("Xe máy", "Motorbike"),
    "settings.mode.car": ("Ô tô", "Car"),
    "settings.mode.foot": ("Đi bộ", "On foot"),
    "settings.time_limit": ("Thời gian tính toán mặc định (giây)", "Default solver time (seconds)"),
    "settings.seed": ("Hạt giống ngẫu nhiên mặc định", "Default random seed"),
    "settings.shift": ("Ca trực mặc định", "Default shift"),
    "settings.saved": (
        "Đã áp dụng cài đặt cho phiên làm việc này.",
        "Settings applied to this session.",
    ),
    "settings.apply": ("Áp dụng", "Apply"),
    "settings.area": ("Địa bàn đang dùng", "Area in use"),
    "settings.assets": ("Thư viện bản đồ ngoại tuyến", "Offline map library"),
    "settings.assets_ok": (
        "Đã cài đặt, phục vụ tại máy này.",
        "Installed, served by this computer.",
    ),
    "settings.assets_missing": ("Thiếu tệp: {files}", "Missing files: {files}"),
    "settings.attribution": (
        "Dữ liệu bản đồ © OpenStreetMap contributors, giấy phép ODbL.",
        "Map data © OpenStreetMap contributors, ODbL licence.",
    ),
    # help
    "help.title": ("Hướng dẫn sử dụng", "User guide"),
    # access and records
    "role.commander": ("Chỉ huy", "Commander"),
    "role.patrol_leader": ("Tổ trưởng tuần tra", "Patrol leader"),
    "role.analyst": ("Cán bộ phân tích", "Analyst"),
    "role.administrator": ("Quản trị hệ thống", "Administrator"),
    "login.title": ("Đăng nhập", "Log in"),
    "login.banner_title": ("Thông báo", "Notice"),
    "login.username": ("Tên đăng nhập", "User name"),
    "login.password": ("Mật khẩu", "Password"),
    "login.totp": (
        "Mã xác thực (6 chữ số, bắt buộc với chỉ huy và quản trị hệ thống)",
        "Authenticator code (6 digits; commanders and administrators must give it)",
    ),
    "login.submit": ("Đăng nhập", "Log in"),
    "login.bad_credentials": (
        "Sai tên đăng nhập, mật khẩu hoặc mã xác thực.",
        "Wrong user name, password or authenticator code.",
    ),
    "login.throttled": (
        "Đăng nhập sai quá nhiều lần từ máy này hoặc với tên này. Thử lại sau ít phút.",
        "Too many failed logins from this computer or for this name. Try again in a few minutes.",
    ),
    "login.locked": (
        "Tài khoản bị khóa do đăng nhập sai nhiều lần. Liên hệ quản trị hệ thống để mở khóa.",
        "The account is locked after repeated failed logins. Ask an administrator to unlock it.",
    ),
    "login.disabled": (
        "Tài khoản đã bị vô hiệu hóa. Liên hệ quản trị hệ thống.",
        "The account is disabled. Ask an administrator.",
    ),
    "login.expired": (
        "Phiên làm việc đã hết hạn (quá lâu không thao tác hoặc quá thời gian tối đa). "
        "Vui lòng đăng nhập lại.",
        "Your session has expired (idle too long or past its maximum age). Please log in again.",
    ),
    "login.ended": (
        "Phiên làm việc đã kết thúc. Vui lòng đăng nhập lại.",
        "Your session has ended. Please log in again.",
    ),
    "login.logged_out": ("Đã đăng xuất.", "You have logged out."),
    "login.no_user": (
        "Chưa có tài khoản nào. Trên máy chủ, tạo quản trị viên đầu tiên bằng lệnh:",
        "There is no account yet. On the server, create the first administrator with:",
    ),
    "access.user": ("Người dùng: **{name}** ({role})", "User: **{name}** ({role})"),
    "access.team": ("{team}", "{team}"),
    "access.logout": ("Đăng xuất", "Log out"),
    "access.denied": (
        "Bạn không có quyền truy cập nội dung này. Lần truy cập đã được ghi vào nhật ký.",
        "You are not allowed to see this. The attempt has been logged.",
    ),
    "page.users": ("Người dùng", "Users"),
    "page.audit": ("Nhật ký hệ thống", "Audit log"),
    "data.stored": (
        "Đã lưu {file}: {n} dòng ({added} mới, {changed} cập nhật).",
        "Stored {file}: {n} rows ({added} new, {changed} updated).",
    ),
    "data.source_store": (
        "Nguồn: hồ sơ của phường trong cơ sở dữ liệu",
        "Source: the ward's records in the database",
    ),
    "data.edit_title": ("Sửa thông tin mục tiêu đã lưu", "Edit the stored facilities"),
    "data.edit_none": (
        "Chưa lưu mục tiêu nào của địa bàn: tải lên danh sách khảo sát ở trên.",
        "No facility of the area is stored yet: upload the survey above.",
    ),
    "data.edit_save": ("Lưu thay đổi", "Save changes"),
    "data.edit_saved": ("Đã lưu thay đổi của {n} mục tiêu.", "Saved the changes of {n} sites."),
    "data.history": ("Lịch sử thay đổi của mục tiêu", "Change history of a facility"),
    "data.col.name": ("Tên cơ sở", "Name"),
    "data.col.kind": ("Loại hình", "Kind"),
    "data.col.address": ("Địa chỉ", "Address"),
    "data.col.hours": ("Giờ hoạt động", "Opening hours"),
    "data.col.operator": ("Đơn vị quản lý", "Operator"),
    "data.col.cash": ("Lượng tiền mặt", "Cash held"),
    "data.col.guard": ("Bảo vệ", "Guard"),
    "data.col.camera": ("Camera", "Camera"),
    "data.col.alarm": ("Chuông báo động", "Alarm"),
    "data.col.contact": ("Người phụ trách / SĐT", "Contact / phone"),
    "data.col.notes": ("Ghi chú", "Notes"),
    "data.col.when": ("Thời điểm", "When"),
    "data.col.by": ("Người sửa", "By"),
    "data.col.field": ("Trường", "Field"),
    "data.col.old": ("Giá trị cũ", "Old value"),
    "data.col.new": ("Giá trị mới", "New value"),
    "cash.none": ("Không có", "None"),
    "cash.low": ("Ít", "Low"),
    "cash.medium": ("Trung bình", "Medium"),
    "cash.high": ("Nhiều", "High"),
    "cash.unknown": ("Chưa rõ", "Unknown"),
    "users.add": ("Thêm người dùng", "Add a user"),
    "users.add_submit": ("Tạo tài khoản", "Create the account"),
    "users.display_name": ("Họ và tên", "Full name"),
    "users.role": ("Vai trò", "Role"),
    "users.team": ("Tổ", "Team"),
    "users.team_help": (
        "Chỉ với tổ trưởng tuần tra: chọn một trong các tổ chỉ huy đã lập.",
        "Patrol leaders only: one of the teams the commander set up.",
    ),
    "users.team_needed": ("Tổ trưởng tuần tra cần có tổ.", "A patrol leader needs a team."),
    "users.password_again": ("Nhập lại mật khẩu", "Password again"),
    "users.password_mismatch": ("Hai mật khẩu không khớp.", "The two passwords differ."),
    "users.password_rules": (
        "Mật khẩu 8-128 ký tự, được dùng dấu cách và chữ có dấu; không dùng mật khẩu phổ biến "
        "hoặc trùng tên đăng nhập. Nên dùng một cụm từ dài.",
        "Passwords have 8-128 characters, spaces and accented letters allowed; not a common "
        "password nor the user name. A long phrase is best.",
    ),
    "users.with_totp": (
        "Dùng mã xác thực (luôn bắt buộc với chỉ huy và quản trị hệ thống)",
        "Use an authenticator code (always required for commanders and administrators)",
    ),
    "users.added": ("Đã tạo tài khoản {user}.", "Account {user} created."),
    "users.secret_once": (
        "Mã bí mật xác thực của {user} chỉ hiện một lần: quét mã QR bằng ứng dụng xác thực "
        "ngay bây giờ.",
        "The authenticator secret of {user} is shown this once only: scan the QR code with the "
        "authenticator app now.",
    ),
    "users.secret_text": (
        "Hoặc nhập khóa này vào ứng dụng xác thực:",
        "Or type this key into the authenticator app:",
    ),
    "users.list": ("Tài khoản ({n})", "Accounts ({n})"),
    "users.totp": ("Mã xác thực", "Authenticator"),
    "users.created": ("Ngày tạo", "Created"),
    "users.last_login": ("Đăng nhập gần nhất", "Last login"),
    "users.state": ("Trạng thái", "State"),
    "users.state_ok": ("Hoạt động", "Active"),
    "users.state_locked": ("Bị khóa", "Locked"),
    "users.state_disabled": ("Vô hiệu hóa ({reason})", "Disabled ({reason})"),
    "users.yes": ("Có", "Yes"),
    "users.no": ("Không", "No"),
    "users.change": ("Thay đổi tài khoản", "Change an account"),
    "users.choose": ("Tài khoản", "Account"),
    "users.unlock": ("Mở khóa", "Unlock"),
    "users.unlocked": ("Đã mở khóa {user}.", "{user} unlocked."),
    "users.disable": ("Vô hiệu hóa", "Disable"),
    "users.enable": ("Kích hoạt lại", "Enable"),
    "users.disabled": ("Đã vô hiệu hóa {user}.", "{user} disabled."),
    "users.enabled": ("Đã kích hoạt lại {user}.", "{user} enabled."),
    "users.totp_reset": ("Cấp lại mã xác thực", "New authenticator secret"),
    "users.totp_was_reset": (
        "Đã cấp mã bí mật xác thực mới cho {user}.",
        "New authenticator secret given to {user}.",
    ),
    "users.new_password": ("Mật khẩu mới", "New password"),
    "users.password_reset": ("Đặt lại mật khẩu", "Reset the password"),
    "users.password_was_reset": (
        "Đã đặt lại mật khẩu của {user}; các phiên đang mở của tài khoản đã kết thúc.",
        "The password of {user} was reset; the account's open sessions have ended.",
    ),
    "audit.chain_ok": (
        "Chuỗi băm nguyên vẹn: {n} dòng nhật ký, không dòng nào bị sửa hay xóa.",
        "The hash chain is whole: {n} rows, none edited or removed.",
    ),
    "audit.chain_bad": (
        "Nhật ký đã bị can thiệp: từ dòng {id} ({problem}). Báo ngay cho chỉ huy.",
        "The log has been tampered with from row {id} ({problem}). Report it at once.",
    ),
    "audit.since": ("Từ ngày", "Since"),
    "audit.user": ("Người dùng", "User"),
    "audit.action": ("Thao tác", "Action"),
    "audit.outcome": ("Kết quả", "Outcome"),
    "audit.all": ("Tất cả", "All"),
    "audit.shown": ("{n} dòng, mới nhất trước.", "{n} rows, newest first."),
    "audit.export": ("Xuất nhật ký (CSV)", "Export the log (CSV)"),
    "audit.download": ("Tải về CSV ({n} dòng)", "Download CSV ({n} rows)"),
    "audit.col.id": ("Số", "No."),
    "audit.col.time": ("Thời điểm (UTC)", "Time (UTC)"),
    "audit.col.target": ("Đối tượng", "Target"),
    "audit.col.source": ("Từ đâu", "From"),
    "audit.col.detail": ("Chi tiết", "Detail"),
    "audit.out.ok": ("Thành công", "Done"),
    "audit.out.fail": ("Thất bại", "Failed"),
    "audit.out.denied": ("Bị từ chối", "Refused"),
    "audit.act.login": ("Đăng nhập", "Login"),
    "audit.act.logout": ("Đăng xuất", "Logout"),
    "audit.act.session_end": ("Hết phiên", "Session ended"),
    "audit.act.upload": ("Tải lên", "Upload"),
    "audit.act.edit": ("Sửa", "Edit"),
    "audit.act.plan_save": ("Lưu kế hoạch", "Plan saved"),
    "audit.act.plan_approve": ("Phê duyệt kế hoạch", "Plan approved"),
    "audit.act.export": ("Xuất tệp", "Export"),
    "audit.act.view": ("Truy cập", "Access"),
    "audit.act.user_add": ("Thêm người dùng", "User added"),
    "audit.act.user_change": ("Đổi tài khoản", "Account changed"),
    "audit.act.password_change": ("Đổi mật khẩu", "Password changed"),
    "audit.act.totp_reset": ("Cấp lại mã xác thực", "Authenticator reset"),
    "audit.act.unlock": ("Mở khóa", "Unlock"),
    "audit.act.backup": ("Sao lưu", "Backup"),
    "audit.act.restore": ("Khôi phục", "Restore"),
    "audit.act.audit_key": ("Gắn khóa cho nhật ký hệ thống", "Audit log keyed"),
    "settings.language_only": (
        "Với vai trò này chỉ chọn được ngôn ngữ (ở thanh bên); các cài đặt lập kế hoạch do chỉ "
        "huy quyết định.",
        "This role chooses the language only (in the sidebar); planning settings are the "
        "commander's.",
    ),
    "settings.store": ("Cơ sở dữ liệu", "Database"),
    # plan operations
    "page.alarm": ("Báo động", "Alarm"),
    "ops.roster": ("Danh sách trực và lập tổ tuần tra", "People on duty and joint teams"),
    "ops.roster_upload": (
        "Tải lên danh sách trực (CSV/XLSX: mã, họ tên, lực lượng)",
        "Upload the duty roster (CSV/XLSX: id, name, role)",
    ),
    "ops.per_police": ("Cán bộ công an mỗi tổ", "Police officers per team"),
    "ops.per_military": ("Quân sự / dân quân mỗi tổ", "Military or militia per team"),
    "ops.roster_formed": (
        "Đã lập {n} tổ tuần tra; {reserve} người dự bị. Kế hoạch sẽ dùng các tổ này.",
        "{n} joint teams formed; {reserve} in reserve. The plan will use these teams.",
    ),
    "ops.roster_hint": (
        "Không có danh sách: mỗi tổ gồm 2 công an và 1 quân sự (chưa ghi tên).",
        "No roster: each team is 2 police officers and 1 soldier (no names).",
    ),
    "ops.role.police": ("Công an", "Police"),
    "ops.role.military": ("Quân sự", "Military"),
    "ops.role.militia": ("Dân quân", "Militia"),
    "ops.col.team": ("Tổ", "Team"),
    "ops.col.person": ("Họ tên", "Name"),
    "ops.col.role": ("Lực lượng", "Force"),
    "ops.col.leader": ("Tổ trưởng", "Team leader"),
    "ops.col.metric": ("Chỉ số", "Figure"),
    "ops.reserve": ("Dự bị", "Reserve"),
    "ops.unserved": ("Chưa bố trí", "Not scheduled"),
    "ops.metric.high_risk": (
        "Mục tiêu mức rất cao kiểm tra trong khung giờ nguy cơ cao",
        "Very-high targets checked inside the high-risk window",
    ),
    "ops.metric.idle": ("Thời gian chờ", "Waiting time"),
    "ops.metric.overlap": (
        "Trùng lặp giữa hai phương án (cùng mục tiêu, cùng nửa giờ)",
        "Overlap of the two plans (same site, same half hour)",
    ),
    "ops.plan_label": ("Phương án {label}", "Plan {label}"),
    "ops.note.seed": ("hạt giống {seed}", "seed {seed}"),
    "ops.note.adjusted": ("điều chỉnh, {n} điểm cố định", "adjusted, {n} locked stops"),
    "ops.adjust": ("Điều chỉnh lộ trình", "Adjust the routes"),
    "ops.keep": ("Giữ cố định các điểm dừng (giữ nguyên tổ)", "Lock stops (keep on their team)"),
    "ops.move_stop": ("Chuyển điểm dừng", "Move a stop"),
    "ops.move_team": ("sang tổ", "to team"),
    "ops.move_timed": ("Đổi khung giờ kiểm tra", "Change the check time"),
    "ops.move_from": ("Kiểm tra từ", "Check from"),
    "ops.move_to": ("đến", "to"),
    "ops.relock": ("Lập lại quanh các điểm cố định", "Re-plan around the locked stops"),
    "ops.current": ("Đang dùng: phương án {label} ({note})", "In use: plan {label} ({note})"),
    "ops.compare": ("So sánh phương án", "Compare plans"),
    "ops.left": ("Phương án bên trái", "Left plan"),
    "ops.right": ("Phương án bên phải", "Right plan"),
    "ops.use": ("Dùng phương án {label}", "Use plan {label}"),
    "ops.approve_title": ("Lưu và phê duyệt kế hoạch", "Save and approve the plan"),
    "ops.plan_name": ("Kế hoạch tuần tra đêm {date}", "Night patrol plan {date}"),
    "ops.save": ("Lưu bản nháp", "Save as draft"),
    "ops.saved": (
        "Đã lưu kế hoạch số {id}, phiên bản {version}.",
        "Saved plan {id}, version {version}.",
    ),
    "ops.approve": ("Phê duyệt kế hoạch", "Approve the plan"),
    "ops.approved": (
        "Kế hoạch số {id}, phiên bản {version} đã được {who} phê duyệt lúc {when}.",
        "Plan {id}, version {version} approved by {who} at {when}.",
    ),
    "ops.draft": (
        "Kế hoạch số {id}, phiên bản {version}: bản nháp, chưa phê duyệt.",
        "Plan {id}, version {version}: a draft, not approved.",
    ),
    "ops.unsaved": (
        "Phương án đang dùng chưa được lưu. Các tổ trưởng chỉ thấy kế hoạch đã phê duyệt.",
        "The plan in use is not saved. Patrol leaders only see approved plans.",
    ),
    "routes.session_plan": ("Kế hoạch đang lập (chưa lưu)", "Plan being made (not saved)"),
    "routes.stored_plan": (
        "Kế hoạch số {id} · {date} · phiên bản {version} · {status}",
        "Plan {id} · {date} · version {version} · {status}",
    ),
    "routes.status.draft": ("bản nháp", "draft"),
    "routes.status.approved": ("đã phê duyệt", "approved"),
    "routes.choose_plan": ("Kế hoạch", "Plan"),
    "routes.none_leader": (
        "Chưa có kế hoạch được phê duyệt cho tổ của bạn.",
        "There is no approved plan for your team yet.",
    ),
    "routes.unsaved_note": ("chưa lưu, chưa phê duyệt", "not saved, not approved"),
    "routes.approved_by": ("phê duyệt: {who}, {when}", "approved by {who}, {when}"),
    "routes.draft": ("BẢN NHÁP, chưa phê duyệt", "DRAFT, not approved"),
    "routes.exports": ("Xuất lộ trình", "Export the route"),
    "routes.save_first": (
        "Lưu kế hoạch (trang Lập kế hoạch ca) để xuất tệp và mã QR.",
        "Save the plan (Plan a shift page) to export files and the QR code.",
    ),
    "routes.base_url": (
        "Địa chỉ máy chủ tải về trong mạng nội bộ phường",
        "Address of the download server on the ward's network",
    ),
    "routes.making": ("Đang tạo tệp...", "Making the files..."),
    "routes.fmt.gpx": ("GPX", "GPX"),
    "routes.fmt.kml": ("KML", "KML"),
    "routes.fmt.geojson": ("GeoJSON", "GeoJSON"),
    "routes.fmt.html": ("HTML ngoại tuyến", "Offline HTML"),
    "routes.fmt.pdf": ("PDF (A4)", "PDF (A4)"),
    "routes.fmt.zip_make": ("Tạo ZIP", "Make a ZIP"),
    "routes.fmt.zip": ("Tải ZIP", "Download ZIP"),
    "routes.recorded": ("Đã ghi nhận lượt tải {file}.", "Download of {file} recorded."),
    "routes.qr_caption": ("Mã QR tải lộ trình của {team}", "QR code of {team}'s route"),
    "routes.qr_note": (
        "Điện thoại phải kết nối mạng nội bộ của phường; máy chủ tải về chạy cùng ứng dụng "
        "(scripts/start.sh). Lộ trình đã phê duyệt được đưa lên máy chủ khi mở trang này; liên "
        "kết hết hạn khi kết thúc ca.",
        "The phone must be on the ward's network; the download server runs with the app "
        "(scripts/start.sh). An approved route is put on it when this page opens; the link "
        "expires at the end of the shift.",
    ),
    "routes.publish": ("Đưa tệp lên máy chủ tải về", "Publish to the download server"),
    "routes.published": ("Đã đưa tệp của {n} tổ vào {root}.", "Files of {n} teams put in {root}."),
    "routes.serve_hint": (
        "Thư mục của máy chủ tải về: {root} (chạy riêng: .venv/bin/patrol serve-exports)",
        "Download server's folder: {root} (on its own: .venv/bin/patrol serve-exports)",
    ),
    "routes.map_apps": ("Mở trong ứng dụng bản đồ", "Open in a map app"),
    "routes.app.google": ("Google Maps, chặng", "Google Maps, leg"),
    "routes.app.osmand": ("OsmAnd, chặng", "OsmAnd, hop"),
    "routes.app.organic": ("Organic Maps, chặng", "Organic Maps, hop"),
    "alarm.no_plan": (
        "Chưa có kế hoạch đêm nay. Lập kế hoạch trước khi xử lý báo động.",
        "No plan for tonight yet. Plan the shift before answering an alarm.",
    ),
    "alarm.site": ("Mục tiêu báo động", "Site under alarm"),
    "alarm.time": ("Thời điểm", "Time"),
    "alarm.stay": ("Ở lại (phút)", "Stay (minutes)"),
    "alarm.run": ("Điều tổ gần nhất", "Send the nearest team"),
    "alarm.running": (
        "Đang tính lại kế hoạch còn lại của đêm...",
        "Re-planning the rest of the night...",
    ),
    "alarm.dispatch": (
        "Điều tổ {team} đến {site}: xuất phát {leave}, di chuyển {travel}, đến lúc {arrive}, "
        "xong lúc {free}.",
        "Team {team} goes to {site}: leaves {leave}, drives {travel}, arrives {arrive}, "
        "free at {free}.",
    ),
    "alarm.tip": ("Tổ {team} đến {site}", "Team {team} to {site}"),
    "alarm.layer": ("Điều động báo động", "Alarm dispatch"),
    "alarm.sent": ("được điều động", "sent to the alarm"),
    "alarm.from": (
        "tiếp tục từ {start}, về {back}; {n} điểm dừng",
        "continues from {start}, back {back}; {n} stops",
    ),
    "alarm.adopt": ("Dùng làm kế hoạch hiện tại", "Adopt as the current plan"),
    "alarm.adopted": (
        "Đã dùng kế hoạch mới cho phần còn lại của đêm.",
        "The new plan for the rest of the night is now in use.",
    ),
}


# The ward's people, standing teams and the night's roster (page ``teams``); a leader's team on
# the Users page.
TEXT.update({
    "page.teams": ("Lực lượng và tổ tuần tra", "People and patrol teams"),
    "teams.intro": (
        "Danh sách cán bộ, chiến sĩ tham gia tuần tra; các tổ tuần tra cố định (tổ trưởng và "
        "thành viên); danh sách trực từng đêm và đổi người trực.",
        "The people who patrol; the standing patrol teams (leader and members); each night's "
        "roster and swaps.",
    ),
    "teams.people": ("Lực lượng ({n} người)", "People ({n})"),
    "teams.import": (
        "Nhập danh sách lực lượng (CSV/XLSX)",
        "Import the personnel list (CSV/XLSX)",
    ),
    "teams.import_help": (
        "Các cột: Họ và tên, Đơn vị, Cấp bậc/chức vụ, Số điện thoại; có thể thêm Tổ và Tổ "
        "trưởng (ghi x). Tệp có lỗi bị từ chối cả tệp, mọi lỗi được liệt kê theo dòng, cột.",
        "Columns: Họ và tên, Đơn vị, Cấp bậc/chức vụ, Số điện thoại; optionally Tổ and Tổ "
        "trưởng (x). A file with mistakes is refused whole, every problem listed by row, column.",
    ),
    "teams.imported": ("Đã nhập {n} người từ {file}.", "{n} people imported from {file}."),
    "teams.add_person": ("Thêm một người", "Add a person"),
    "teams.add_person_submit": ("Thêm vào danh sách", "Add to the list"),
    "teams.person_added": ("Đã thêm {name}.", "{name} added."),
    "teams.no_people": (
        "Chưa có ai trong danh sách lực lượng: nhập danh sách hoặc thêm từng người.",
        "Nobody on the list yet: import the list or add people one by one.",
    ),
    "teams.col.name": ("Họ và tên", "Full name"),
    "teams.col.unit": ("Đơn vị", "Unit"),
    "teams.col.rank": ("Cấp bậc, chức vụ", "Rank or duty"),
    "teams.col.phone": ("Số điện thoại", "Phone"),
    "teams.col.team": ("Tổ", "Team"),
    "teams.teams": ("Tổ tuần tra ({n} tổ)", "Patrol teams ({n})"),
    "teams.leader": ("Tổ trưởng", "Team leader"),
    "teams.members": ("Thành viên", "Members"),
    "teams.no_leader": ("chưa có tổ trưởng", "no leader yet"),
    "teams.choose": ("Chọn...", "Choose..."),
    "teams.vehicle": ("Phương tiện", "Vehicle"),
    "teams.vehicle.motorbike": ("Xe máy", "Motorbike"),
    "teams.vehicle.car": ("Ô tô", "Car"),
    "teams.vehicle.foot": ("Đi bộ", "On foot"),
    "teams.depot": ("Nơi xuất phát", "Leaves from"),
    "teams.depot_any": (
        "Theo kế hoạch (trụ sở Công an phường hoặc Ban Chỉ huy quân sự)",
        "As the plan spreads teams (police post or military command)",
    ),
    "teams.add_team": ("Lập tổ tuần tra", "Set up a patrol team"),
    "teams.add_team_submit": ("Lập tổ", "Set up the team"),
    "teams.team_added": ("Đã lập {team}.", "{team} set up."),
    "teams.edit_team": ("Đổi thành phần tổ", "Change a team"),
    "teams.save_team": ("Lưu thành phần tổ", "Save the team"),
    "teams.team_saved": ("Đã lưu {team}.", "{team} saved."),
    "teams.night": ("Danh sách trực đêm", "The night's roster"),
    "teams.night_date": ("Ngày trực", "Duty date"),
    "teams.night_note": (
        "Ca trực đêm {date}: các tổ cố định, cùng những người đã đổi ca.",
        "Night of {date}: the standing teams with the night's swaps.",
    ),
    "teams.swap_out": ("Người nghỉ đêm đó", "Off that night"),
    "teams.swap_in": ("Người trực thay", "Stands in"),
    "teams.swap": ("Đổi người trực", "Swap"),
    "teams.nobody": ("Không ai thay (nghỉ đêm đó)", "Nobody (off that night)"),
    "teams.off": ("{out} nghỉ đêm {date}, không ai thay.", "{out} is off on {date}, nobody in."),
    "teams.swapped": (
        "{into} trực thay {out} đêm {date}.",
        "{into} stands in for {out} on {date}.",
    ),
    "teams.no_teams": (
        "Chưa lập tổ nào: lập tổ ở trên rồi xem danh sách trực.",
        "No team yet: set one up above, then see the roster.",
    ),
    "ops.roster_store": (
        "Dùng danh sách trực đêm (trang Lực lượng và tổ tuần tra)",
        "Use the night's roster (People and patrol teams page)",
    ),
    "ops.roster_from_store": (
        "Kế hoạch dùng {n} tổ của danh sách trực đêm {date}.",
        "The plan uses the {n} teams of the roster of {date}.",
    ),
    "ops.roster_team": ("{team}: {names}", "{team}: {names}"),
    "routes.base_url_help": (
        "Địa chỉ mạng nội bộ của máy này, tìm thấy khi khởi động; đổi hẳn trong tệp cài đặt "
        "([export] address). Điện thoại cùng mạng mở được liên kết trong mã QR.",
        "This computer's address on the ward network, found at start; set it for good in the "
        "settings file ([export] address). Phones on the same network open the QR code's link.",
    ),
    "routes.qr_note_leader": (
        "Quét mã QR bằng điện thoại đang kết nối mạng nội bộ (Wi-Fi) của phường để tải lộ trình "
        "của tổ; liên kết hết hạn khi kết thúc ca.",
        "Scan the QR code with a phone on the ward's network (Wi-Fi) to download your team's "
        "route; the link expires at the end of the shift.",
    ),
    "routes.team_pick": ("Tổ tuần tra", "Patrol team"),
    "routes.no_team": (
        "Tài khoản của bạn chưa được gắn với tổ tuần tra nào. Đề nghị quản trị hệ thống gắn "
        "tài khoản với tổ của bạn (trang Người dùng).",
        "Your account is not linked to a patrol team yet. Ask the administrator to link it to "
        "your team (Users page).",
    ),
    "users.team_choose": ("Chọn tổ...", "Choose a team..."),
    "users.no_teams": (
        "Địa bàn chưa có tổ tuần tra nào. Chỉ huy lập tổ ở trang Lực lượng và tổ tuần tra; sau "
        "đó gắn tài khoản tổ trưởng với tổ.",
        "The area has no patrol team yet. A commander sets them up on the People and patrol "
        "teams page; then link the leader's account to a team.",
    ),
    "users.link_team": ("Gắn với tổ", "Link to the team"),
    "users.linked": ("{user} là tổ trưởng của {team}.", "{user} now leads {team}."),
})  # fmt: skip


def t(key: str, lang: Lang = "vi", /, **values: Any) -> str:
    """Return the text of ``key`` in ``lang`` with ``values`` put in.

    >>> t("map.facility_count", "vi", n=12)
    '12 mục tiêu'
    """
    vi, en = TEXT[key]
    template = vi if lang == "vi" else en
    return template.format(**values) if values else template


def translator(lang: Lang) -> Callable[..., str]:
    """Return ``t`` bound to ``lang``.

    >>> translator("en")("page.map")
    'Map'
    """

    def bound(key: str, /, **values: Any) -> str:
        return t(key, lang, **values)

    return bound


def fmt_number(value: float, lang: Lang = "vi", *, decimals: int = 0) -> str:
    """Write a number with the separators of ``lang``.

    >>> fmt_number(12345.5, "vi", decimals=1)
    '12.345,5'
    >>> fmt_number(12345.5, "en", decimals=1)
    '12,345.5'
    """
    text = f"{value:,.{decimals}f}"
    if lang == "vi":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def fmt_date(day: date | datetime, lang: Lang = "vi") -> str:
    """``dd/mm/yyyy`` in both languages (the ward's documents write dates this way)."""
    del lang
    return f"{day:%d/%m/%Y}"


def fmt_clock(moment: datetime | time) -> str:
    """24-hour ``HH:MM``."""
    return f"{moment:%H:%M}"


def fmt_duration(seconds: float, lang: Lang = "vi") -> str:
    """Write a duration in hours and minutes (under an hour, minutes only).

    ``1 giờ 05 phút`` / ``1 h 05 min``.

    >>> fmt_duration(3900, "vi")
    '1 giờ 05 phút'
    """
    minutes = round(seconds / 60)
    hours, minutes = divmod(minutes, 60)
    if lang == "vi":
        return f"{hours} giờ {minutes:02d} phút" if hours else f"{minutes} phút"
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


def kind_label(kind: str, lang: Lang = "vi") -> str:
    """Name of a facility kind in ``lang``; an unknown kind is shown as it is."""
    try:
        member = FacilityKind(kind)
    except ValueError:
        return str(kind)
    return member.label_vi if lang == "vi" else member.label_en


def incident_label(kind: str, lang: Lang = "vi") -> str:
    """Name of an incident type in ``lang``; an unknown type is shown as it is."""
    try:
        member = IncidentType(kind)
    except ValueError:
        return str(kind)
    return member.label_vi if lang == "vi" else member.label_en


def risk_level_label(level: str | None, lang: Lang = "vi") -> str:
    """Name of a risk level (``low``/``medium``/``high``/``very_high``) in ``lang``."""
    key = f"risk.{level}" if level and f"risk.{level}" in TEXT else "risk.unknown"
    return t(key, lang)
